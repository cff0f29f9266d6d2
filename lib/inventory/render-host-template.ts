// The Jinja2 in a host's connection variables, rendered as Ansible renders it when it connects:
// `ansible_host: "{{ inventory_hostname_short }}.{{ domain }}"`, `ansible_user: "{{ deploy_user }}"`,
// `ansible_password: "{{ lookup('env', 'DEPLOY_PASS') }}"`. Only what inventories put in such
// variables: variable references (dotted or ['key']), string and number literals, filters
// (default/d, lower, upper, trim, int, string, replace, join) and lookup('env', NAME). Anything
// else is refused with the expression named, never passed on as text (a literal "{{ … }}" host
// would only fail later, as a DNS error).
import type { InventoryHost } from './inventory.ts';
import { plainVariables, UnsafeText } from './python-values.ts';

/**
 * The host's variables as plain values (plainVariables), with the Jinja2 of those Vigil reads
 * (ansible_* and vigil_*) rendered; the others as they are: a template elsewhere in the inventory
 * (an application's setting) is none of Vigil's business and must not fail the host.
 */
export function renderConnectionVariables(
  host: InventoryHost, env: NodeJS.ProcessEnv, invalid: (variable: string, message: string) => never,
): Record<string, unknown> {
  const raw = host.vars;
  const plain = plainVariables(raw);
  const unsafe = new Set(Object.keys(raw).filter((name) => raw[name] instanceof UnsafeText));
  // Made at the first template (most hosts have none), over the variables as written: the
  // rendered ones replace theirs in `plain` as the loop goes, and references must see the originals.
  let renderer: Renderer | null = null;
  for (const name of Object.keys(plain)) {
    if (!(name.startsWith('ansible_') || name.startsWith('vigil_')) || unsafe.has(name) || !holdsTemplate(plain[name])) continue;
    renderer ??= new Renderer({ vars: { ...plain }, unsafe, host: host.name, groups: host.groups, env });
    try {
      plain[name] = renderer.variable(name);
    } catch (err) {
      if (err instanceof TemplateError) invalid(name, `cannot be rendered: ${err.message}`);
      throw err;
    }
  }
  return plain;
}

function holdsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (Array.isArray(value)) return value.some(holdsTemplate);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsTemplate);
  return false;
}

class TemplateError extends Error {}

export interface TemplateContext {
  /** The host's variables, merged as Ansible merges them, as plain values. */
  vars: Readonly<Record<string, unknown>>;
  /** The variables marked `!unsafe`: never rendered, their text taken as it is. */
  unsafe: ReadonlySet<string>;
  host: string;
  /** The host's groups, `all` left out, sorted: Ansible's group_names. */
  groups: readonly string[];
  env: NodeJS.ProcessEnv;
}

const MAX_DEPTH = 20;

/** Whether Ansible would render this text: it holds an expression, statement or comment opener. */
function hasTemplate(text: string): boolean {
  return text.includes('{{') || text.includes('{%') || text.includes('{#');
}

class Renderer {
  private readonly context: TemplateContext;
  /** Variables being rendered, to refuse a loop as Ansible does ("recursive loop detected"). */
  private readonly rendering = new Set<string>();
  private readonly done = new Map<string, unknown>();

  constructor(context: TemplateContext) {
    this.context = context;
  }

  /** A variable of the host, rendered. */
  variable(name: string): unknown {
    return this.lookupName(name, 0);
  }

  value(value: unknown, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new TemplateError('templates nest too deep (a loop of variables?)');
    if (typeof value === 'string') return hasTemplate(value) ? this.text(value, depth) : value;
    if (Array.isArray(value)) return value.map((item) => this.value(item, depth + 1));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.value(item, depth + 1);
      return out;
    }
    return value;
  }

  /** A string's expressions rendered: a string that is one expression keeps its value's type, as Ansible's does. */
  private text(text: string, depth: number): unknown {
    if (text.includes('{%')) throw new TemplateError(`Jinja2 statements ({% … %}) are not supported: ${text}`);
    const parts: unknown[] = [];
    let at = 0;
    while (at < text.length) {
      const open = text.indexOf('{{', at);
      const comment = text.indexOf('{#', at);
      if (comment >= 0 && (open < 0 || comment < open)) {
        const end = text.indexOf('#}', comment + 2);
        if (end < 0) throw new TemplateError(`unclosed comment in ${text}`);
        parts.push(text.slice(at, comment));
        at = end + 2;
        continue;
      }
      if (open < 0) {
        parts.push(text.slice(at));
        break;
      }
      const close = text.indexOf('}}', open + 2);
      if (close < 0) throw new TemplateError(`unclosed {{ in ${text}`);
      parts.push(text.slice(at, open));
      parts.push({ expression: this.expression(text.slice(open + 2, close), depth) });
      at = close + 2;
    }
    const nonEmpty = parts.filter((part) => part !== '');
    if (nonEmpty.length === 1 && typeof nonEmpty[0] === 'object' && nonEmpty[0] !== null) return (nonEmpty[0] as { expression: unknown }).expression;
    return parts.map((part) => (typeof part === 'string' ? part : asText((part as { expression: unknown }).expression))).join('');
  }

  private expression(source: string, depth: number): unknown {
    const parser = new ExpressionParser(source);
    const value = parser.parse((name) => this.lookupName(name, depth), this.context.env);
    return value === UNDEFINED ? fail(`'${parser.firstName ?? source.trim()}' is undefined`) : value;
  }

  private lookupName(name: string, depth: number): unknown {
    const { vars, host, groups } = this.context;
    if (name === 'inventory_hostname') return host;
    if (name === 'inventory_hostname_short') return host.split('.')[0] ?? host;
    if (name === 'group_names') return [...groups];
    if (!Object.hasOwn(vars, name)) return UNDEFINED;
    if (this.context.unsafe.has(name)) return vars[name];
    if (this.done.has(name)) return this.done.get(name);
    if (this.rendering.has(name)) throw new TemplateError(`recursive loop detected in template: ${name} refers to itself`);
    this.rendering.add(name);
    try {
      const value = this.value(vars[name], depth + 1);
      this.done.set(name, value);
      return value;
    } finally {
      this.rendering.delete(name);
    }
  }
}

const UNDEFINED = Symbol('undefined');

function fail(message: string): never {
  throw new TemplateError(message);
}

/** How Jinja2 prints a value into text: Python's str(). */
function asText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value).replaceAll('"', "'");
}

type Token = { kind: 'name' | 'string' | 'number' | 'punct'; text: string; value?: unknown };

const PUNCT = new Set(['.', '[', ']', '(', ')', '|', ',']);

/** One `{{ … }}` expression: primary (| filter(args))*. */
class ExpressionParser {
  private readonly tokens: Token[];
  private at = 0;
  /** The first variable the expression names, for "is undefined". */
  firstName: string | null = null;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parse(lookup: (name: string) => unknown, env: NodeJS.ProcessEnv): unknown {
    let value = this.primary(lookup, env);
    while (this.peek('|')) {
      this.at++;
      const name = this.expectName();
      const args = this.peek('(') ? this.arguments(lookup, env) : [];
      value = applyFilter(name, value, args, this.source);
    }
    if (this.at < this.tokens.length) fail(`cannot render {{${this.source}}}: unexpected '${this.tokens[this.at]?.text}'`);
    return value;
  }

  private primary(lookup: (name: string) => unknown, env: NodeJS.ProcessEnv): unknown {
    const token = this.tokens[this.at++];
    if (!token) return fail(`empty expression {{${this.source}}}`);
    if (token.kind === 'string' || token.kind === 'number') return token.value;
    if (token.kind !== 'name') return fail(`cannot render {{${this.source}}}: unexpected '${token.text}'`);
    if (token.text === 'true' || token.text === 'True') return true;
    if (token.text === 'false' || token.text === 'False') return false;
    if (token.text === 'none' || token.text === 'None') return null;
    if (token.text === 'lookup' && this.peek('(')) {
      const args = this.arguments(lookup, env);
      if (args[0] !== 'env' || args.length !== 2 || typeof args[1] !== 'string') {
        return fail(`cannot render {{${this.source}}}: of lookups only lookup('env', NAME) is supported`);
      }
      return env[args[1]] ?? '';
    }
    this.firstName ??= token.text;
    let value = lookup(token.text);
    for (;;) {
      let key: string | null = null;
      if (this.peek('.')) {
        this.at++;
        key = this.expectName();
      } else if (this.peek('[')) {
        this.at++;
        const index = this.tokens[this.at++];
        if (!index || (index.kind !== 'string' && index.kind !== 'number')) return fail(`cannot render {{${this.source}}}: only ['key'] or [number] may follow a name`);
        if (!this.peek(']')) return fail(`cannot render {{${this.source}}}: ']' expected`);
        this.at++;
        key = String(index.value);
      } else {
        return value;
      }
      value = value === UNDEFINED || value === null || typeof value !== 'object' ? UNDEFINED : ((value as Record<string, unknown>)[key] ?? UNDEFINED);
    }
  }

  private arguments(lookup: (name: string) => unknown, env: NodeJS.ProcessEnv): unknown[] {
    this.at++; // (
    const args: unknown[] = [];
    while (!this.peek(')')) {
      if (this.at >= this.tokens.length) return fail(`cannot render {{${this.source}}}: ')' expected`);
      args.push(this.primary(lookup, env));
      if (this.peek(',')) this.at++;
      else if (!this.peek(')')) return fail(`cannot render {{${this.source}}}: ',' or ')' expected`);
    }
    this.at++; // )
    return args;
  }

  private peek(punct: string): boolean {
    const token = this.tokens[this.at];
    return token?.kind === 'punct' && token.text === punct;
  }

  private expectName(): string {
    const token = this.tokens[this.at++];
    if (token?.kind !== 'name') return fail(`cannot render {{${this.source}}}: a name expected`);
    return token.text;
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\' && j + 1 < source.length) {
          text += source[j + 1];
          j += 2;
        } else {
          text += source[j++];
        }
      }
      if (j >= source.length) fail(`cannot render {{${source}}}: unclosed string`);
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), value: text });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', text: match[0], value: Number(match[0]) });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'name', text: match[0] });
      i += match[0].length;
    } else {
      fail(`cannot render {{${source}}}: '${c}' is not supported (variables, literals, filters and lookup('env', …) are)`);
    }
  }
  return tokens;
}

function applyFilter(name: string, value: unknown, args: unknown[], source: string): unknown {
  if (name === 'default' || name === 'd') {
    const fallback = args[0] === UNDEFINED || args.length === 0 ? '' : args[0];
    const orFalsy = args[1] === true;
    if (value === UNDEFINED || (orFalsy && isFalsy(value))) return fallback;
    return value;
  }
  if (value === UNDEFINED) return UNDEFINED;
  switch (name) {
    case 'lower': return asText(value).toLowerCase();
    case 'upper': return asText(value).toUpperCase();
    case 'trim': return asText(value).trim();
    case 'string': return asText(value);
    case 'int': {
      const number = Number.parseInt(asText(value), 10);
      return Number.isNaN(number) ? (typeof args[0] === 'number' ? args[0] : 0) : number;
    }
    case 'replace': {
      if (typeof args[0] !== 'string' || typeof args[1] !== 'string') return fail(`cannot render {{${source}}}: replace needs two strings`);
      return asText(value).split(args[0]).join(args[1]);
    }
    case 'join': {
      if (!Array.isArray(value)) return asText(value);
      return value.map(asText).join(typeof args[0] === 'string' ? args[0] : '');
    }
    default:
      return fail(`cannot render {{${source}}}: the filter '${name}' is not supported (default, lower, upper, trim, int, string, replace and join are)`);
  }
}

function isFalsy(value: unknown): boolean {
  return value === '' || value === 0 || value === false || value === null || (Array.isArray(value) && value.length === 0)
    || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}
