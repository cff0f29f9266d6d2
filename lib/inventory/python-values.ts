// Ansible's variables are Python values. Most map onto JavaScript as they are; the few that do
// not are kept in these small classes so that `vigil inventory` can print them exactly as
// ansible-inventory does, and plainValue() turns them into what the rest of Vigil reads.

/** A `!vault` value (or `{"__ansible_vault": ...}` in JSON): printed as its ciphertext, as Ansible does. */
export class EncryptedString {
  readonly ciphertext: string;
  /** Set when the inventory was read with a vault password. Never log it. */
  readonly plaintext: string | null;
  constructor(ciphertext: string, plaintext: string | null) {
    this.ciphertext = ciphertext;
    this.plaintext = plaintext;
  }
}

/** A `!unsafe` string: Ansible prints it as `{"__ansible_unsafe": text}`. */
export class UnsafeText {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** A Python float whose value is whole (`1.0`, `1e3`): prints as `1.0`, never as the int `1`. */
export class IntegralFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
  valueOf(): number {
    return this.value;
  }
}

/** A YAML timestamp, which Python reads as a date or datetime and prints with isoformat(). */
export class PythonDateTime {
  readonly isoformat: string;
  /** What str() gives: a space instead of the T. */
  readonly text: string;
  constructor(isoformat: string) {
    this.isoformat = isoformat;
    this.text = isoformat.replace('T', ' ');
  }
}

/** A Python float as JavaScript holds it: integral ones wrapped so that they keep being floats. */
export function pythonFloat(value: number): number | IntegralFloat {
  return Number.isInteger(value) ? new IntegralFloat(value) : value;
}

/** A Python int as JavaScript holds it: a number when exact, else a bigint. */
export function pythonInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Python's str ordering: by code point, where JavaScript's < compares UTF-16 units. */
export function comparePythonStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only surrogates (astral characters) sort differently by code point than by code unit.
    const xAstral = x >= 0xd800 && x <= 0xdfff;
    const yAstral = y >= 0xd800 && y <= 0xdfff;
    if (xAstral !== yAstral) return xAstral ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Sets a key on a variables object, `__proto__` included (plain assignment would change the prototype). */
export function setVariable(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** Python's `a | b` on dicts: a new dict with b's keys over a's, a's order first. */
export function mergeVariables(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(a)) setVariable(result, key, a[key]);
  for (const key of Object.keys(b)) setVariable(result, key, b[key]);
  return result;
}

export function isVariablesObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && isPlainObject(value);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The value as the rest of Vigil reads it: vault values decrypted (or left as EncryptedString
 * when no password was given), unsafe text as its string, whole floats as numbers, timestamps
 * as their ISO text.
 */
export function plainValue(value: unknown): unknown {
  if (value instanceof UnsafeText) return value.text;
  if (value instanceof IntegralFloat) return value.value;
  if (value instanceof PythonDateTime) return value.isoformat;
  if (value instanceof EncryptedString) return value.plaintext ?? value;
  if (Array.isArray(value)) return value.map(plainValue);
  if (isVariablesObject(value)) return plainVariables(value);
  return value;
}

export function plainVariables(vars: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(vars)) setVariable(result, key, plainValue(vars[key]));
  return result;
}
