// JSON text exactly as ansible-inventory writes it: Python's json.dumps(indent=4,
// sort_keys=True, ensure_ascii=False) through Ansible's encoder (vault and unsafe values as
// their marker dicts, dates in ISO form).
import { comparePythonStrings, EncryptedString, IntegralFloat, isVariablesObject, PythonDateTime, UnsafeText } from './python-values.ts';

export function toPythonJson(value: unknown, indent = 4): string {
  const out = { text: '' };
  encode(value, '\n', ' '.repeat(indent), out);
  return out.text;
}

// Appends to one string (V8 joins such strings lazily) rather than returning strings, so that a
// large document is not copied at every level.
function encode(value: unknown, newline: string, step: string, out: { text: string }): void {
  if (value === null || value === undefined) out.text += 'null';
  else if (value === true) out.text += 'true';
  else if (value === false) out.text += 'false';
  else if (typeof value === 'string') out.text += pythonJsonString(value);
  else if (typeof value === 'number') out.text += Number.isInteger(value) ? String(value) : pythonFloatRepr(value, true);
  else if (typeof value === 'bigint') out.text += value.toString();
  else if (value instanceof IntegralFloat) out.text += pythonFloatRepr(value.value, true);
  else if (value instanceof PythonDateTime) out.text += pythonJsonString(value.isoformat);
  else if (value instanceof EncryptedString) encode({ __ansible_vault: value.ciphertext }, newline, step, out);
  else if (value instanceof UnsafeText) encode({ __ansible_unsafe: value.text }, newline, step, out);
  else if (Array.isArray(value)) {
    if (value.length === 0) {
      out.text += '[]';
      return;
    }
    const inner = newline + step;
    out.text += '[';
    value.forEach((item, index) => {
      out.text += index === 0 ? inner : `,${inner}`;
      encode(item, inner, step, out);
    });
    out.text += `${newline}]`;
  } else if (isVariablesObject(value)) {
    const keys = sortedKeys(value);
    if (keys.length === 0) {
      out.text += '{}';
      return;
    }
    const inner = newline + step;
    out.text += '{';
    keys.forEach((key, index) => {
      out.text += `${index === 0 ? inner : `,${inner}`}${pythonJsonString(key)}: `;
      encode(value[key], inner, step, out);
    });
    out.text += `${newline}}`;
  } else {
    throw new TypeError(`Object of type ${Object.prototype.toString.call(value).slice(8, -1)} is not JSON serializable`);
  }
}

const SURROGATE = /[\ud800-\udfff]/;

/** Keys in Python's order; JavaScript's own sort agrees unless a key has an astral character. */
function sortedKeys(value: Record<string, unknown>): string[] {
  const keys = Object.keys(value);
  return keys.some((key) => SURROGATE.test(key)) ? keys.sort(comparePythonStrings) : keys.sort();
}

const NEEDS_ESCAPE = /["\\\x00-\x1f]/;
const JSON_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function pythonJsonString(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  return `"${text.replace(/["\\\x00-\x1f]/g, (c) => JSON_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** Python's repr() of a float (shortest round-trip digits; exponent form below 1e-4 and from 1e16). */
export function pythonFloatRepr(value: number, json = false): string {
  if (Number.isNaN(value)) return json ? 'NaN' : 'nan';
  if (value === Infinity) return json ? 'Infinity' : 'inf';
  if (value === -Infinity) return json ? '-Infinity' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const point = exponent + 1;
  if (point > 16 || point < -3) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${rest}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
