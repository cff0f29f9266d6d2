// Python's ast.literal_eval, which Ansible's INI plugin applies to every inline host value and
// every [group:vars] value: a value that is a Python literal becomes that value (1, 1.5, True,
// None, [1, 2], {'a': 1}, 'quoted'), anything else stays the string as written. This follows
// CPython 3.11's tokenizer and literal_eval for what they accept; the rare literal that Ansible
// keeps but cannot print (complex numbers, sets, bytes inside containers, Ellipsis) is an error.
import { pythonFloatRepr } from './python-json.ts';
import { IntegralFloat, pythonFloat, pythonInt, setVariable } from './python-values.ts';

/** A literal that Python evaluates but that Ansible then cannot represent. */
export class PythonLiteralError extends Error {}

type Token =
  | { kind: 'number'; value: unknown; complex: boolean }
  | { kind: 'string'; value: string; bytes: boolean; formatted: boolean }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string };

/** Marks a parse that Python would reject with ValueError or SyntaxError: the text stays a string. */
const NOT_LITERAL = Symbol('not a literal');

class NotLiteral extends Error {}

function notLiteral(): never {
  throw new NotLiteral();
}

/** The value of `text` as ast.literal_eval gives it, or the text itself when it is no literal. */
export function parseIniValue(text: string): unknown {
  const value = literalEval(text);
  return value === NOT_LITERAL ? text : value;
}

export function literalEval(text: string): unknown {
  let tokens: Token[];
  try {
    tokens = tokenize(text.replace(/^[ \t]+/, ''));
  } catch (err) {
    if (err instanceof NotLiteral) return NOT_LITERAL;
    throw err;
  }
  const parser = new LiteralParser(tokens);
  try {
    const value = parser.parseTop();
    if (value instanceof Uint8Array) return new TextDecoder().decode(value);
    return value;
  } catch (err) {
    if (err instanceof NotLiteral) return NOT_LITERAL;
    throw err;
  }
}

const ID_START = /[\p{L}\p{Nl}_]/u;
const ID_CONTINUE = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]/u;
const NUMBER =
  /^(?:(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\.)(?:[eE][+-]?[0-9](?:_?[0-9])*)?|[0-9](?:_?[0-9])*[eE][+-]?[0-9](?:_?[0-9])*)[jJ]?|^[0-9](?:_?[0-9])*[jJ]|^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+|^[1-9](?:_?[0-9])*|^0(?:_?0)*/;
const STRING_PREFIX = /^(?:[rR][bBfF]?|[bBfF][rR]?|[uU])?(?='|")/;
const OPERATORS = ['**=', '//=', '>>=', '<<=', '...', '->', ':=', '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@='];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      // A new line ends an eval expression unless inside brackets.
      if (depth === 0 && text.slice(i).trim() !== '') notLiteral();
      i++;
      continue;
    }
    if (c === '\\') notLiteral();
    const prefix = STRING_PREFIX.exec(text.slice(i, i + 3));
    if (prefix) {
      const [token, next] = readString(text, i, prefix[0]);
      tokens.push(token);
      i = next;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = NUMBER.exec(text.slice(i));
      if (!match) return notLiteral();
      const raw = match[0];
      const after = text[i + raw.length] ?? '';
      if (after !== '' && (ID_CONTINUE.test(after) || after === '.')) notLiteral();
      tokens.push(numberToken(raw));
      i += raw.length;
      continue;
    }
    if (ID_START.test(c)) {
      let j = i + 1;
      while (j < text.length && ID_CONTINUE.test(text[j] as string)) j++;
      tokens.push({ kind: 'name', value: text.slice(i, j) });
      i = j;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, i)) ?? c;
    if (!'()[]{},:+-*/%@&|^~<>=.;!'.includes(op[0] as string) || op === '!' || op === ';') notLiteral();
    if ('([{'.includes(op)) depth++;
    if (')]}'.includes(op)) depth--;
    tokens.push({ kind: 'op', value: op });
    i += op.length;
  }
  return tokens;
}

function numberToken(raw: string): Token {
  const text = raw.replace(/_/g, '');
  if (/[jJ]$/.test(text)) return { kind: 'number', value: null, complex: true };
  if (/^0[xXoObB]/.test(text)) return { kind: 'number', value: pythonInt(BigInt(text.toLowerCase())), complex: false };
  if (/[.eE]/.test(text)) return { kind: 'number', value: pythonFloat(Number(text)), complex: false };
  return { kind: 'number', value: pythonInt(BigInt(text)), complex: false };
}

function readString(text: string, start: number, prefix: string): [Token, number] {
  const lower = prefix.toLowerCase();
  const raw = lower.includes('r');
  const bytes = lower.includes('b');
  const formatted = lower.includes('f');
  let i = start + prefix.length;
  const quote = text[i] as string;
  const triple = text.startsWith(quote.repeat(3), i);
  const closing = triple ? quote.repeat(3) : quote;
  i += closing.length;
  let body = '';
  for (;;) {
    if (i >= text.length) notLiteral();
    if (text.startsWith(closing, i)) break;
    const c = text[i] as string;
    if (!triple && (c === '\n' || c === '\r')) notLiteral();
    if (c === '\\') {
      if (i + 1 >= text.length) notLiteral();
      body += c + (text[i + 1] as string);
      i += 2;
      continue;
    }
    body += c;
    i++;
  }
  i += closing.length;
  if (bytes && /[^\x00-\x7f]/.test(body)) notLiteral();
  const value = raw ? body : unescape(body, bytes);
  return [{ kind: 'string', value, bytes, formatted }, i];
}

const SIMPLE_ESCAPES: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function unescape(body: string, bytes: boolean): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[i + 1] as string;
    i++;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
    } else if (/[0-7]/.test(e)) {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i))?.[0] ?? e;
      const code = parseInt(octal, 8);
      if (bytes && code > 0xff) notLiteral();
      out += String.fromCodePoint(code);
      i += octal.length - 1;
    } else if (e === 'x' || (!bytes && (e === 'u' || e === 'U'))) {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) notLiteral();
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) notLiteral();
      out += String.fromCodePoint(code);
      i += width;
    } else if (!bytes && e === 'N') {
      // \N{NAME} needs Unicode's name table, which Node does not carry: leave the value a string.
      notLiteral();
    } else {
      out += `\\${e}`;
    }
  }
  return out;
}

type Value = unknown;

interface PythonTuple {
  tuple: Value[];
}

/** A parsed expression, and whether it is a bare number constant (which alone may take a sign). */
interface Parsed {
  value: Value;
  number: boolean;
  complex: boolean;
  /** A sign applied to a number constant: a real part for <real> +/- <imaginary>. */
  signed?: boolean;
}

class LiteralParser {
  private readonly tokens: Token[];
  private index = 0;
  /** Why the literal, valid for Python, cannot be represented; reported once the whole text parsed. */
  private unrepresentable: string | null = null;

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  parseTop(): Value {
    if (this.tokens.length === 0) notLiteral();
    const value = this.parseTestList(null).value;
    if (this.index !== this.tokens.length) notLiteral();
    if (this.unrepresentable !== null) throw new PythonLiteralError(this.unrepresentable);
    return finish(value);
  }

  private cannotRepresent(why: string): Parsed {
    this.unrepresentable ??= why;
    return { value: null, number: false, complex: false };
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private isOp(value: string): boolean {
    const token = this.peek();
    return token?.kind === 'op' && token.value === value;
  }

  private expectOp(value: string): void {
    if (!this.isOp(value)) notLiteral();
    this.index++;
  }

  /** A comma-separated list; with a comma it is a tuple. `end` closes a parenthesised one. */
  private parseTestList(end: string | null): Parsed {
    const items: Parsed[] = [];
    let comma = false;
    while (!(end !== null && this.isOp(end)) && this.peek() !== undefined) {
      items.push(this.parseExpression());
      if (!this.isOp(',')) break;
      this.index++;
      comma = true;
    }
    if (end !== null) this.expectOp(end);
    const first = items[0];
    if (first === undefined) {
      if (end === null) notLiteral();
      return { value: { tuple: [] } satisfies PythonTuple, number: false, complex: false };
    }
    if (!comma) return first;
    return { value: { tuple: items.map((item) => item.value) } satisfies PythonTuple, number: false, complex: false };
  }

  private parseExpression(): Parsed {
    const left = this.parseSigned();
    if (this.isOp('+') || this.isOp('-')) {
      this.index++;
      const right = this.parseAtom();
      if (this.isOp('+') || this.isOp('-')) notLiteral();
      this.checkEndOfExpression();
      // literal_eval allows only <real> +/- <imaginary>, which makes a complex number.
      if (!(left.number || left.signed === true) || !right.complex) notLiteral();
      return this.cannotRepresent('complex numbers cannot be represented');
    }
    this.checkEndOfExpression();
    if (left.complex) return this.cannotRepresent('complex numbers cannot be represented');
    return left;
  }

  /** Any other operator (*, <, and, if ...) makes an expression that literal_eval refuses. */
  private checkEndOfExpression(): void {
    const token = this.peek();
    if (token === undefined) return;
    if (token.kind !== 'op' || !',)]}:'.includes(token.value)) notLiteral();
  }

  private parseSigned(): Parsed {
    if (this.isOp('+') || this.isOp('-')) {
      const negative = this.isOp('-');
      this.index++;
      const operand = this.parseAtom();
      if (!operand.number) notLiteral();
      return { value: negative ? negate(operand.value) : operand.value, number: false, complex: operand.complex, signed: true };
    }
    return this.parseAtom();
  }

  private parseAtom(): Parsed {
    const token = this.peek();
    if (token === undefined) return notLiteral();
    this.index++;
    let result: Parsed;
    if (token.kind === 'number') {
      result = { value: token.value, number: true, complex: token.complex };
    } else if (token.kind === 'string') {
      let value = token.value;
      let formatted = token.formatted;
      const bytes = token.bytes;
      for (let next = this.peek(); next?.kind === 'string'; next = this.peek()) {
        if (next.bytes !== bytes) notLiteral();
        value += next.value;
        formatted ||= next.formatted;
        this.index++;
      }
      if (formatted) notLiteral();
      result = { value: bytes ? new TextEncoder().encode(value) : value, number: false, complex: false };
    } else if (token.kind === 'name') {
      if (token.value === 'True') result = { value: true, number: false, complex: false };
      else if (token.value === 'False') result = { value: false, number: false, complex: false };
      else if (token.value === 'None') result = { value: null, number: false, complex: false };
      else if (token.value === 'set' && this.isOp('(')) {
        this.index++;
        this.expectOp(')');
        result = this.cannotRepresent('sets cannot be represented');
      } else return notLiteral();
    } else if (token.value === '(') {
      // Parentheses leave no trace in Python's tree: -(1) is -1, and (1+2j) a complex number.
      result = this.parseTestList(')');
    } else if (token.value === '[') {
      result = { value: this.parseSequence(']'), number: false, complex: false };
    } else if (token.value === '{') {
      result = this.parseBraces();
    } else if (token.value === '...') {
      result = this.cannotRepresent('Ellipsis cannot be represented');
    } else {
      return notLiteral();
    }
    // A call, subscript or attribute after an atom is no literal.
    if (this.isOp('(') || this.isOp('[') || this.isOp('.')) notLiteral();
    return result;
  }

  private parseSequence(end: string): Value[] {
    const items: Value[] = [];
    while (!this.isOp(end)) {
      if (this.isOp('*')) notLiteral();
      items.push(this.parseExpression().value);
      if (this.isOp(',')) this.index++;
      else break;
    }
    this.expectOp(end);
    return items;
  }

  private parseBraces(): Parsed {
    if (this.isOp('}')) {
      this.index++;
      return { value: new PythonDict(), number: false, complex: false };
    }
    if (this.isOp('**')) notLiteral();
    const first = this.parseExpression();
    if (!this.isOp(':')) {
      if (this.isOp(',')) {
        this.index++;
        this.parseSequence('}');
      } else this.expectOp('}');
      return this.cannotRepresent('sets cannot be represented');
    }
    const dict = new PythonDict();
    this.index++;
    const pairs: [Value, Value][] = [[first.value, this.parseExpression().value]];
    while (this.isOp(',')) {
      this.index++;
      if (this.isOp('}')) break;
      if (this.isOp('**')) notLiteral();
      const key = this.parseExpression().value;
      this.expectOp(':');
      pairs.push([key, this.parseExpression().value]);
    }
    this.expectOp('}');
    for (const [key, value] of pairs) {
      const why = dict.set(key, value);
      if (why !== null) return this.cannotRepresent(why);
    }
    return { value: dict, number: false, complex: false };
  }
}

function negate(value: Value): Value {
  if (typeof value === 'number') return -value;
  if (typeof value === 'bigint') return pythonInt(-value);
  if (value instanceof IntegralFloat) return pythonFloat(-value.value);
  return value;
}

/** A dict as Python keeps it: keys equal by value (1 == 1.0 == True), the first key's spelling kept. */
class PythonDict {
  readonly entries = new Map<string, { key: string; value: Value }>();
  /** Adds the pair, or says why Python or its JSON encoder would refuse the key. */
  set(key: Value, value: Value): string | null {
    const identity = dictKey(key);
    if (typeof identity === 'string') return identity;
    const existing = this.entries.get(identity[0]);
    this.entries.set(identity[0], { key: existing?.key ?? identity[1], value });
    return null;
  }
}

/** [identity, JSON key], or the reason the key cannot be a JSON key. */
function dictKey(key: Value): [string, string] | string {
  if (typeof key === 'string') return [`s:${key}`, key];
  if (key === null) return ['none', 'null'];
  if (key === true || key === false) return [`n:${key ? 1 : 0}`, String(key)];
  if (typeof key === 'number' || typeof key === 'bigint') return [`n:${key}`, typeof key === 'number' && !Number.isInteger(key) ? pythonFloatRepr(key) : String(key)];
  if (key instanceof IntegralFloat) return [`n:${key.value}`, pythonFloatRepr(key.value)];
  if (typeof key === 'object' && 'tuple' in key) return 'tuple keys cannot be represented in JSON';
  if (key instanceof Uint8Array) return 'bytes keys cannot be represented in JSON';
  return 'unhashable dict key';
}

/** Tuples become lists and dicts objects, as they come out of Ansible's JSON. */
function finish(value: Value): Value {
  if (value instanceof Uint8Array) return value;
  if (value instanceof PythonDict) {
    const result: Record<string, unknown> = {};
    for (const { key, value: item } of value.entries.values()) setVariable(result, key, finishNested(item));
    return result;
  }
  if (Array.isArray(value)) return value.map(finishNested);
  if (typeof value === 'object' && value !== null && 'tuple' in value) return (value as PythonTuple).tuple.map(finishNested);
  return value;
}

function finishNested(value: Value): Value {
  if (value instanceof Uint8Array) throw new PythonLiteralError('bytes inside a list or dict cannot be represented');
  return finish(value);
}
