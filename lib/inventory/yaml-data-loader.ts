// Ansible's DataLoader for YAML inventories and group_vars/host_vars files: JSON first (with
// Python's json module rules: ints stay ints, 1.0 stays a float), then YAML as PyYAML's
// SafeLoader with Ansible's constructor reads it: YAML 1.1 scalars (yes/no/on/off, 0755 octal,
// 1:30 sexagesimal, timestamps), merge keys, duplicate keys (last wins), `!unsafe` and `!vault`.
// The `yaml` package parses the text (failsafe schema, so every scalar keeps its source
// text) and this file resolves and constructs the values as PyYAML would.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar } from 'yaml';
import type { Document, Node, ParsedNode } from 'yaml';
import { InventoryError } from './inventory.ts';
import { pythonFloatRepr } from './python-json.ts';
import { EncryptedString, IntegralFloat, pythonFloat, pythonInt, PythonDateTime, setVariable, UnsafeText } from './python-values.ts';
import { decryptVaultString, isVaultText } from './vault.ts';

/** A YAML or JSON mapping with Python's key semantics, keys in their first position. */
export class DataMapping {
  private readonly byIdentity = new Map<string, number>();
  readonly entries: [unknown, unknown][] = [];

  set(key: unknown, value: unknown): void {
    const identity = keyIdentity(key);
    const index = this.byIdentity.get(identity);
    if (index === undefined) {
      this.byIdentity.set(identity, this.entries.length);
      this.entries.push([key, value]);
    } else {
      (this.entries[index] as [unknown, unknown])[1] = value;
    }
  }

  get(key: string): unknown {
    const index = this.byIdentity.get(keyIdentity(key));
    return index === undefined ? undefined : this.entries[index]?.[1];
  }

  has(key: string): boolean {
    return this.byIdentity.has(keyIdentity(key));
  }

  get size(): number {
    return this.entries.length;
  }
}

/** Python's key equality: 1 == 1.0 == True, but '1' is another key. */
function keyIdentity(key: unknown): string {
  if (typeof key === 'string') return `s:${key}`;
  if (key instanceof UnsafeText) return `s:${key.text}`;
  if (key === null || key === undefined) return 'none';
  if (typeof key === 'boolean') return `n:${key ? 1 : 0}`;
  if (typeof key === 'number' || typeof key === 'bigint') return `n:${key}`;
  if (key instanceof IntegralFloat) return `n:${key.value}`;
  if (key instanceof PythonDateTime) return `t:${key.isoformat}`;
  return `o:${String(key)}`;
}

export interface LoadOptions {
  vaultPassword?: string | undefined;
}

/** Reads the text of an inventory or vars file as Ansible's DataLoader does; throws InventoryError. */
export function loadYamlOrJson(text: string, file: string, options: LoadOptions = {}): unknown {
  const plain = decryptFileIfVaulted(text, file, options);
  const json = parsePythonJson(plain);
  if (json.ok) return json.value;
  return parsePyYaml(plain, file, options);
}

/** A whole-file vault (`ansible-vault encrypt`): decrypted with the password, or an error naming the file. */
export function decryptFileIfVaulted(text: string, file: string, options: LoadOptions): string {
  if (!text.startsWith('$ANSIBLE_VAULT')) return text;
  if (!isVaultText(text)) throw new InventoryError(file, 1, 'invalid vault header');
  if (options.vaultPassword === undefined) {
    throw new InventoryError(file, null, 'the file is vault-encrypted and no vault password was given (--vault-password-file or VIGIL_VAULT_PASSWORD_FILE)');
  }
  try {
    return decryptVaultString(text, options.vaultPassword);
  } catch (err) {
    throw new InventoryError(file, null, `cannot decrypt the vault-encrypted file: ${(err as Error).message}`);
  }
}

// ---- JSON, as Python's json.loads with Ansible's object hook reads it ----

type JsonResult = { ok: true; value: unknown } | { ok: false };

export function parsePythonJson(text: string): JsonResult {
  const parser = new PythonJsonParser(text);
  try {
    parser.skipSpace();
    const value = parser.parseValue();
    parser.skipSpace();
    if (parser.index !== text.length) return { ok: false };
    return { ok: true, value };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { ok: false };
    throw err;
  }
}

class JsonSyntaxError extends Error {}

const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class PythonJsonParser {
  index = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  skipSpace(): void {
    while (this.index < this.text.length && ' \t\n\r'.includes(this.text[this.index] as string)) this.index++;
  }

  private fail(): never {
    throw new JsonSyntaxError();
  }

  parseValue(): unknown {
    const c = this.text[this.index];
    if (c === '{') return this.parseObject();
    if (c === '[') return this.parseArray();
    if (c === '"') return this.parseString();
    for (const [word, value] of [['null', null], ['true', true], ['false', false], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]] as const) {
      if (this.text.startsWith(word, this.index)) {
        this.index += word.length;
        return value;
      }
    }
    JSON_NUMBER.lastIndex = this.index;
    const match = JSON_NUMBER.exec(this.text);
    if (!match) return this.fail();
    this.index += match[0].length;
    if (match[1] === undefined && match[2] === undefined) return pythonInt(BigInt(match[0]));
    return pythonFloat(Number(match[0]));
  }

  private parseArray(): unknown[] {
    this.index++;
    const items: unknown[] = [];
    this.skipSpace();
    if (this.text[this.index] === ']') {
      this.index++;
      return items;
    }
    for (;;) {
      this.skipSpace();
      items.push(this.parseValue());
      this.skipSpace();
      const c = this.text[this.index++];
      if (c === ']') return items;
      if (c !== ',') this.fail();
    }
  }

  private parseObject(): unknown {
    this.index++;
    const mapping = new DataMapping();
    this.skipSpace();
    if (this.text[this.index] === '}') {
      this.index++;
      return objectHook(mapping);
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.index] !== '"') this.fail();
      const key = this.parseString();
      this.skipSpace();
      if (this.text[this.index++] !== ':') this.fail();
      this.skipSpace();
      mapping.set(key, this.parseValue());
      this.skipSpace();
      const c = this.text[this.index++];
      if (c === '}') return objectHook(mapping);
      if (c !== ',') this.fail();
    }
  }

  private parseString(): string {
    this.index++;
    let out = '';
    for (;;) {
      const c = this.text[this.index++];
      if (c === undefined) return this.fail();
      if (c === '"') return out;
      if (c < ' ') this.fail();
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.index++] ?? '';
      const simple = JSON_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        continue;
      }
      if (e !== 'u') this.fail();
      const hex = this.text.slice(this.index, this.index + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail();
      out += String.fromCharCode(parseInt(hex, 16));
      this.index += 4;
    }
  }
}

/** Ansible's JSON object hook: `__ansible_vault` and `__ansible_unsafe` dicts are values, not dicts. */
function objectHook(mapping: DataMapping): unknown {
  for (const [key, value] of mapping.entries) {
    if (key === '__ansible_vault') return new EncryptedString(String(value), null);
    if (key === '__ansible_unsafe') return wrapUnsafe(value);
  }
  return mapping;
}

/** Ansible's wrap_var: every string inside becomes unsafe text. */
function wrapUnsafe(value: unknown): unknown {
  if (typeof value === 'string') return new UnsafeText(value);
  if (Array.isArray(value)) return value.map(wrapUnsafe);
  if (value instanceof DataMapping) {
    const wrapped = new DataMapping();
    for (const [key, item] of value.entries) wrapped.set(key, wrapUnsafe(item));
    return wrapped;
  }
  return value;
}

// ---- YAML, as PyYAML's SafeLoader with Ansible's constructor reads it ----

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const TRUE_WORDS = new Set(['yes', 'true', 'on']);
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP = /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
const TIMESTAMP_PARTS =
  /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

const YAML_TAG = 'tag:yaml.org,2002:';
const MERGE = Symbol('merge');

class YamlConstructionError extends Error {
  readonly offset: number | null;
  constructor(message: string, offset: number | null) {
    super(message);
    this.offset = offset;
  }
}

function parsePyYaml(text: string, file: string, options: LoadOptions): unknown {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { version: '1.1', schema: 'failsafe', uniqueKeys: false, merge: false, lineCounter, strict: false });
  const lineOf = (offset: number | null): number | null => (offset === null ? null : lineCounter.linePos(offset).line);
  const docs = Array.isArray(documents) ? documents : [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) throw new InventoryError(file, error.linePos?.[0].line ?? null, `invalid YAML: ${error.message.split('\n')[0] ?? ''}`);
  }
  if (docs.length === 0) return null;
  if (docs.length > 1) {
    const second = docs[1] as Document.Parsed;
    throw new InventoryError(file, lineOf(second.range[0]), 'invalid YAML: expected a single document in the stream, but found another document');
  }
  const doc = docs[0] as Document.Parsed;
  try {
    return new PyYamlConstructor(doc, options, text).construct(doc.contents);
  } catch (err) {
    if (err instanceof YamlConstructionError) throw new InventoryError(file, lineOf(err.offset), err.message);
    throw err;
  }
}

class PyYamlConstructor {
  private readonly constructed = new Map<Node, unknown>();
  private readonly doc: Document.Parsed;
  private readonly options: LoadOptions;

  private readonly source: string;

  constructor(doc: Document.Parsed, options: LoadOptions, source: string) {
    this.source = source;
    this.doc = doc;
    this.options = options;
  }

  construct(node: ParsedNode | Node | null | undefined): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target === undefined) throw new YamlConstructionError(`invalid YAML: found undefined alias '${node.source}'`, node.range?.[0] ?? null);
      return this.construct(target);
    }
    if (this.constructed.has(node)) return this.constructed.get(node);
    const value = this.constructNew(node);
    this.constructed.set(node, value);
    return value;
  }

  private offset(node: Node): number | null {
    return node.range?.[0] ?? null;
  }

  private constructNew(node: Node): unknown {
    const tag = node.tag;
    if (isScalar(node)) return this.constructScalar(node, tag);
    if (isSeq(node)) {
      if (tag === undefined || tag === `${YAML_TAG}seq` || tag === '!') return node.items.map((item) => this.construct(item as Node));
      if (tag === '!unsafe') return wrapUnsafe(node.items.map((item) => this.construct(item as Node)));
      if (tag === `${YAML_TAG}omap` || tag === `${YAML_TAG}pairs`) {
        return node.items.map((item) => {
          const pairs = this.construct(item as Node);
          if (!(pairs instanceof DataMapping) || pairs.size !== 1) throw new YamlConstructionError(`invalid YAML: expected a single mapping item in !!${tag.slice(YAML_TAG.length)}`, this.offset(item as Node));
          return [...(pairs.entries[0] as [unknown, unknown])];
        });
      }
      return this.unknownTag(node, tag);
    }
    if (isMap(node)) {
      if (tag === undefined || tag === `${YAML_TAG}map` || tag === `${YAML_TAG}python/dict` || tag === '!') return this.constructMapping(node);
      if (tag === '!unsafe') return wrapUnsafe(this.constructMapping(node));
      if (tag === `${YAML_TAG}set`) throw new YamlConstructionError('a !!set value cannot be represented as JSON (ansible-inventory fails on it too)', this.offset(node));
      return this.unknownTag(node, tag);
    }
    return null;
  }

  private unknownTag(node: Node, tag: string): never {
    throw new YamlConstructionError(`invalid YAML: could not determine a constructor for the tag '${tag}'`, this.offset(node));
  }

  private constructMapping(node: Node & { items: { key: unknown; value: unknown }[] }): DataMapping {
    const mapping = new DataMapping();
    // PyYAML's flatten_mapping: merged keys come first, the mapping's own keys override them.
    const merged: [unknown, unknown][] = [];
    const own: [unknown, unknown][] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = this.constructKey(keyNode);
      if (key === MERGE) {
        merged.push(...this.mergeEntries(pair.value as Node | null, node));
        continue;
      }
      own.push([key, this.construct(pair.value as Node | null)]);
    }
    for (const [key, value] of merged) mapping.set(key, value);
    for (const [key, value] of own) mapping.set(key, value);
    return mapping;
  }

  private mergeEntries(valueNode: Node | null, parent: Node): [unknown, unknown][] {
    const node = valueNode && isAlias(valueNode) ? (valueNode.resolve(this.doc) ?? null) : valueNode;
    if (node && isMap(node)) return this.constructMapping(node).entries;
    if (node && isSeq(node)) {
      const entries: [unknown, unknown][] = [];
      // Earlier mappings in the list win: apply them last.
      for (const item of [...node.items].reverse()) {
        const sub = item && isAlias(item as Node) ? ((item as { resolve(doc: Document.Parsed): Node | undefined }).resolve(this.doc) ?? null) : (item as Node | null);
        if (!sub || !isMap(sub)) throw new YamlConstructionError('invalid YAML: while constructing a mapping, expected a mapping for merging', this.offset(parent));
        entries.push(...this.constructMapping(sub).entries);
      }
      return entries;
    }
    throw new YamlConstructionError('invalid YAML: while constructing a mapping, expected a mapping or list of mappings for merging', this.offset(parent));
  }

  private constructKey(node: Node | null): unknown {
    if (node && isScalar(node) && node.tag === undefined && node.type === Scalar.PLAIN && String(node.value) === '<<') return MERGE;
    const key = this.construct(node);
    if (Array.isArray(key) || key instanceof DataMapping) {
      throw new YamlConstructionError('invalid YAML: while constructing a mapping, found unacceptable key (unhashable type)', node ? this.offset(node) : null);
    }
    return key;
  }

  private constructScalar(node: Scalar, tag: string | undefined): unknown {
    const text = node.value === null || node.value === undefined ? '' : String(node.value);
    const at = this.offset(node);
    const plain = node.type === Scalar.PLAIN || node.type === undefined;
    // PyYAML resolves a plain scalar with the non-specific tag `!` as if it had no tag.
    if (tag === undefined || (tag === '!' && plain)) return plain ? resolvePlain(text, at) : this.blockScalarAtEnd(node, text);
    switch (tag) {
      case '!':
      case `${YAML_TAG}str`:
      case `${YAML_TAG}python/unicode`:
        return text;
      case `${YAML_TAG}null`:
        return null;
      case `${YAML_TAG}bool`: {
        const word = text.toLowerCase();
        if (!BOOL.test(text) && !['yes', 'no', 'true', 'false', 'on', 'off'].includes(word)) throw new YamlConstructionError(`invalid YAML: '${text}' is not a boolean`, at);
        return TRUE_WORDS.has(word);
      }
      case `${YAML_TAG}int`:
        return constructInt(text, at);
      case `${YAML_TAG}float`:
        return constructFloat(text, at);
      case `${YAML_TAG}timestamp`:
        return constructTimestamp(text, at);
      case `${YAML_TAG}binary`:
        throw new YamlConstructionError('a !!binary value cannot be represented as JSON (ansible-inventory fails on it too)', at);
      case '!unsafe':
        return new UnsafeText(text);
      case '!vault':
      case '!vault-encrypted':
        return this.constructVault(this.blockScalarAtEnd(node, text), at);
      default:
        throw new YamlConstructionError(`invalid YAML: could not determine a constructor for the tag '${tag}'`, at);
    }
  }

  /**
   * A block scalar that ends the file without a final line break: PyYAML keeps no line break
   * there, where the yaml package adds one.
   */
  private blockScalarAtEnd(node: Scalar, text: string): string {
    const blockScalar = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
    const end = node.range?.[1] ?? -1;
    if (blockScalar && end >= this.source.length && !/[\r\n]$/.test(this.source) && text.endsWith('\n')) return text.slice(0, -1);
    return text;
  }

  private constructVault(ciphertext: string, at: number | null): EncryptedString {
    if (this.options.vaultPassword === undefined) return new EncryptedString(ciphertext, null);
    try {
      return new EncryptedString(ciphertext, decryptVaultString(ciphertext, this.options.vaultPassword));
    } catch (err) {
      throw new YamlConstructionError(`cannot decrypt the !vault value: ${(err as Error).message}`, at);
    }
  }
}

/** PyYAML's implicit resolvers, in its order, for an untagged plain scalar. */
function resolvePlain(text: string, at: number | null): unknown {
  if (BOOL.test(text)) return TRUE_WORDS.has(text.toLowerCase());
  if (FLOAT.test(text)) return constructFloat(text, at);
  if (INT.test(text)) return constructInt(text, at);
  if (NULL.test(text)) return null;
  if (TIMESTAMP.test(text)) return constructTimestamp(text, at);
  if (text === '=') throw new YamlConstructionError("invalid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:value'", at);
  return text;
}

function constructInt(source: string, at: number | null): number | bigint {
  let text = source.replace(/_/g, '');
  let sign = 1n;
  if (text.startsWith('-')) sign = -1n;
  if (text.startsWith('-') || text.startsWith('+')) text = text.slice(1);
  const fail = (): never => {
    throw new YamlConstructionError(`invalid YAML: invalid literal for int(): '${source}'`, at);
  };
  let value: bigint;
  if (text === '0') value = 0n;
  else if (text.startsWith('0b')) value = /^[01]+$/.test(text.slice(2)) ? BigInt(`0b${text.slice(2)}`) : fail();
  else if (text.startsWith('0x')) value = /^[0-9a-fA-F]+$/.test(text.slice(2)) ? BigInt(`0x${text.slice(2)}`) : fail();
  else if (text.startsWith('0')) value = /^[0-7]+$/.test(text) ? BigInt(`0o${text}`) : fail();
  else if (text.includes(':')) {
    value = 0n;
    let base = 1n;
    for (const part of text.split(':').reverse()) {
      if (!/^[0-9]+$/.test(part)) fail();
      value += BigInt(part) * base;
      base *= 60n;
    }
  } else value = /^[0-9]+$/.test(text) ? BigInt(text) : fail();
  return pythonInt(sign * value);
}

function constructFloat(source: string, at: number | null): number | IntegralFloat {
  let text = source.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (text.startsWith('-')) sign = -1;
  if (text.startsWith('-') || text.startsWith('+')) text = text.slice(1);
  if (text === '.inf') return sign * Infinity;
  if (text === '.nan') return NaN;
  let value: number;
  if (text.includes(':')) {
    value = 0;
    let base = 1;
    for (const part of text.split(':').reverse()) {
      value += Number(part) * base;
      base *= 60;
    }
  } else value = Number(text);
  if (Number.isNaN(value)) throw new YamlConstructionError(`invalid YAML: could not convert string to float: '${source}'`, at);
  return pythonFloat(sign * value);
}

function constructTimestamp(text: string, at: number | null): PythonDateTime {
  const match = TIMESTAMP_PARTS.exec(text);
  if (!match) throw new YamlConstructionError(`invalid YAML: '${text}' is not a timestamp`, at);
  const [, year, month, day, hour, minute, second, fraction, tz, tzSign, tzHour, tzMinute] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) throw new YamlConstructionError(`invalid YAML: '${text}': day is out of range for month`, at);
  const two = (n: number): string => String(n).padStart(2, '0');
  const date = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}`;
  if (hour === undefined) return new PythonDateTime(date);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (h > 23 || mi > 59 || s > 59) throw new YamlConstructionError(`invalid YAML: '${text}': time is out of range`, at);
  const micro = (fraction ?? '').slice(0, 6).padEnd(6, '0');
  let iso = `${date}T${two(h)}:${two(mi)}:${two(s)}${Number(micro) === 0 ? '' : `.${micro}`}`;
  if (tzSign !== undefined) {
    const th = Number(tzHour);
    const tm = Number(tzMinute ?? '0');
    if (th > 23 || tm > 59) throw new YamlConstructionError(`invalid YAML: '${text}': offset out of range`, at);
    iso += th === 0 && tm === 0 ? '+00:00' : `${tzSign}${two(th)}:${two(tm)}`;
  } else if (tz !== undefined) iso += '+00:00';
  return new PythonDateTime(iso);
}

/** A loaded value as Ansible's variables hold it: mappings become plain objects with JSON keys. */
export function toVariableValue(value: unknown): unknown {
  if (value instanceof DataMapping) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of value.entries) setVariable(result, jsonKey(key), toVariableValue(item));
    return result;
  }
  if (Array.isArray(value)) return value.map(toVariableValue);
  return value;
}

/** Python's json key conversion: str as is, True as "true", None as "null", numbers as repr. */
export function jsonKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key instanceof UnsafeText) return key.text;
  if (key === null || key === undefined) return 'null';
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'bigint') return key.toString();
  if (typeof key === 'number') return Number.isInteger(key) ? String(key) : pythonFloatRepr(key, true);
  if (key instanceof IntegralFloat) return pythonFloatRepr(key.value, true);
  throw new TypeError(`keys must be str, int, float, bool or None, not ${key instanceof PythonDateTime ? 'datetime' : typeof key}`);
}
