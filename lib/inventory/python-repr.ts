// Python's str() and repr() of variable values, for `--graph --vars`, which prints
// `{name = value}` with Python's own formatting (True, None, ['a', 1], {'k': 'v'}).
import { pythonFloatRepr } from './python-json.ts';
import { EncryptedString, IntegralFloat, isVariablesObject, PythonDateTime, UnsafeText } from './python-values.ts';

export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof UnsafeText) return value.text;
  if (value instanceof PythonDateTime) return value.text;
  // Ansible's str() of a vault value decrypts it; without the password there is nothing to show.
  if (value instanceof EncryptedString) return value.plaintext ?? '<vault encrypted>';
  return pythonRepr(value);
}

export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pythonStringRepr(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof IntegralFloat) return pythonFloatRepr(value.value);
  if (value instanceof UnsafeText) return pythonStringRepr(value.text);
  if (value instanceof PythonDateTime) return pythonStringRepr(value.text);
  if (value instanceof EncryptedString) return pythonStringRepr(pythonStr(value));
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (isVariablesObject(value)) {
    return `{${Object.keys(value).map((key) => `${pythonStringRepr(key)}: ${pythonRepr(value[key])}`).join(', ')}}`;
  }
  return String(value);
}

const NOT_PRINTABLE = /[\p{C}\p{Zl}\p{Zp}\p{Zs}]/u;

export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of text) {
    if (c === quote || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c !== ' ' && NOT_PRINTABLE.test(c)) {
      const code = c.codePointAt(0) ?? 0;
      if (code < 0x100) out += `\\x${code.toString(16).padStart(2, '0')}`;
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else out += `\\U${code.toString(16).padStart(8, '0')}`;
    } else out += c;
  }
  return out + quote;
}
