// A minimal but faithful subset of Ansible's INI inventory: hosts, [group], [group:children],
// [group:vars], inline host vars, host:port and host ranges. Values stay strings as written
// (after unquoting); Ansible's literal_eval typing, YAML, group_vars/ and vault come later
// behind the same InventoryReader interface, so nothing outside this file depends on it.
import { readFile } from 'node:fs/promises';
import { InventoryError } from './inventory.ts';
import type { Inventory, InventoryHost, InventoryReader } from './inventory.ts';

export const iniInventoryReader: InventoryReader = {
  async read(path: string): Promise<Inventory> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new InventoryError(path, null, `cannot read inventory: ${(err as Error).message}`);
    }
    return parseIniInventory(text, path);
  },
};

interface GroupDef {
  name: string;
  /** Line of the [group] or [group:children] header that declared it; null until declared. */
  declaredAt: number | null;
  vars: Record<string, unknown>;
  parents: Set<string>;
  children: Set<string>;
}

interface HostDef {
  name: string;
  groups: Set<string>;
  vars: Record<string, unknown>;
}

interface ChildEdge {
  parent: string;
  child: string;
  line: number;
}

type SectionKind = 'hosts' | 'children' | 'vars';

// As Ansible's: a group name, an optional :type, and an optional trailing comment.
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;
const IMPLICIT_GROUPS = ['all', 'ungrouped'];

export function parseIniInventory(text: string, file: string): Inventory {
  const groups = new Map<string, GroupDef>();
  const hosts = new Map<string, HostDef>();
  const edges: ChildEdge[] = [];
  // First line that needs each group to be declared somewhere (children entry or vars section).
  const references = new Map<string, { line: number; message: string }>();

  const group = (name: string): GroupDef => {
    let def = groups.get(name);
    if (!def) {
      def = { name, declaredAt: null, vars: {}, parents: new Set(), children: new Set() };
      groups.set(name, def);
    }
    return def;
  };
  for (const name of IMPLICIT_GROUPS) group(name).declaredAt = 0;

  // Ansible behaves as though the file started with [ungrouped].
  let current = 'ungrouped';
  let kind: SectionKind = 'hosts';
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const fail = (message: string): never => {
      throw new InventoryError(file, lineNo, message);
    };

    if (line.startsWith('[')) {
      const section = SECTION.exec(line);
      if (section) {
        const name = section[1] as string;
        const type = section[2] ?? 'hosts';
        if (type !== 'hosts' && type !== 'children' && type !== 'vars') {
          fail(`section [${name}:${type}] has unknown type '${type}' (expected hosts, children or vars)`);
        }
        current = name;
        kind = type as SectionKind;
        const def = group(name);
        if (kind === 'vars') {
          if (def.declaredAt === null && !references.has(name)) {
            references.set(name, { line: lineNo, message: `section [${name}:vars] is for undefined group '${name}'` });
          }
        } else if (def.declaredAt === null) {
          def.declaredAt = lineNo;
        }
        continue;
      }
      if (!line.includes(']')) fail(`unterminated section header '${line}'`);
      // A bracketed IPv6 host with a port, [::1]:2222, is the one host line that starts with '['.
      if (line.endsWith(']')) fail(`invalid section header '${line}': no spaces or other invalid characters allowed`);
    }

    if (kind === 'hosts') {
      const definition = parseHostLine(line, fail);
      for (const name of definition.names) {
        let host = hosts.get(name);
        if (!host) {
          host = { name, groups: new Set(), vars: {} };
          hosts.set(name, host);
        }
        host.groups.add(current);
        // The shorthand port comes first so that an inline ansible_port overrides it, as in Ansible.
        if (definition.port !== null) host.vars['ansible_port'] = definition.port;
        Object.assign(host.vars, definition.vars);
      }
    } else if (kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) fail(`expected key=value in [${current}:vars], got '${line}'`);
      const key = line.slice(0, eq).trim();
      if (key === '') fail(`missing variable name in '${line}'`);
      group(current).vars[key] = unquoteWhole(line.slice(eq + 1).trim());
    } else {
      const match = GROUP_NAME.exec(line);
      if (!match) fail(`expected a group name in [${current}:children], got '${line}'`);
      const child = (match as RegExpExecArray)[1] as string;
      if (child === current) fail(`group '${child}' lists itself in [${current}:children]`);
      if (child === 'all') fail(`group 'all' cannot be a child of '${current}'`);
      edges.push({ parent: current, child, line: lineNo });
      if (group(child).declaredAt === null && !references.has(child)) {
        references.set(child, { line: lineNo, message: `section [${current}:children] includes undefined group '${child}'` });
      }
    }
  }

  // Like Ansible, a group may be used before it is declared, but must be declared somewhere.
  const undefinedGroups = [...references]
    .filter(([name]) => groups.get(name)?.declaredAt === null)
    .sort((a, b) => a[1].line - b[1].line);
  const firstUndefined = undefinedGroups[0];
  if (firstUndefined) throw new InventoryError(file, firstUndefined[1].line, firstUndefined[1].message);

  for (const edge of edges) {
    const parent = group(edge.parent);
    const child = group(edge.child);
    const path = pathBetween(groups, edge.child, edge.parent);
    if (path) {
      throw new InventoryError(
        file,
        edge.line,
        `[${edge.parent}:children] includes '${edge.child}', which creates a cycle: ${[edge.parent, ...path].join(' > ')}`,
      );
    }
    parent.children.add(child.name);
    child.parents.add(parent.name);
  }

  return { source: file, hosts: [...hosts.values()].map((host) => mergeHost(host, groups)) };
}

/** The group names from `from` down to `to` through :children, or null if `to` is not below `from`. */
function pathBetween(groups: Map<string, GroupDef>, from: string, to: string): string[] | null {
  if (from === to) return [from];
  for (const child of groups.get(from)?.children ?? []) {
    const rest = pathBetween(groups, child, to);
    if (rest) return [from, ...rest];
  }
  return null;
}

function mergeHost(host: HostDef, groups: Map<string, GroupDef>): InventoryHost {
  const member = new Set<string>();
  const addWithAncestors = (name: string): void => {
    if (member.has(name)) return;
    member.add(name);
    for (const parent of groups.get(name)?.parents ?? []) addWithAncestors(parent);
  };
  for (const name of host.groups) addWithAncestors(name);
  // As Ansible's reconcile step: 'ungrouped' only holds hosts that are in no other group.
  const inOtherGroup = [...member].some((name) => !IMPLICIT_GROUPS.includes(name));
  if (inOtherGroup) member.delete('ungrouped');
  else member.add('ungrouped');
  member.add('all');

  const depths = new Map<string, number>();
  const ordered = [...member]
    .map((name) => ({ name, depth: groupDepth(groups, name, depths), priority: groupPriority(groups.get(name)) }))
    .sort((a, b) => a.depth - b.depth || a.priority - b.priority || compareNames(a.name, b.name));

  const vars: Record<string, unknown> = {};
  for (const { name } of ordered) Object.assign(vars, groups.get(name)?.vars);
  Object.assign(vars, host.vars);

  return {
    name: host.name,
    groups: [...member].filter((name) => name !== 'all').sort(compareNames),
    vars,
  };
}

/** Ansible's group depth: the longest :children path from 'all'; groups without a parent hang off 'all'. */
function groupDepth(groups: Map<string, GroupDef>, name: string, memo: Map<string, number>): number {
  if (name === 'all') return 0;
  const known = memo.get(name);
  if (known !== undefined) return known;
  let depth = 1;
  for (const parent of groups.get(name)?.parents ?? []) depth = Math.max(depth, groupDepth(groups, parent, memo) + 1);
  memo.set(name, depth);
  return depth;
}

function groupPriority(group: GroupDef | undefined): number {
  const value = Number(group?.vars['ansible_group_priority'] ?? 1);
  return Number.isFinite(value) ? value : 1;
}

// Python compares strings by code point; localeCompare would not.
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface HostLine {
  names: string[];
  port: number | null;
  vars: Record<string, string>;
}

function parseHostLine(line: string, fail: (message: string) => never): HostLine {
  const tokens = shlexSplit(line, fail);
  const pattern = tokens[0];
  if (pattern === undefined || pattern === '') return fail(`expected a host name, got '${line}'`);
  const { host, port } = splitHostPort(pattern, fail);
  const names = host.includes('[') ? expandHostRange(host, fail) : [host];
  const vars: Record<string, string> = {};
  for (const token of tokens.slice(1)) {
    const eq = token.indexOf('=');
    if (eq < 0) fail(`expected key=value host variable for '${pattern}', got '${token}'`);
    if (eq === 0) fail(`missing variable name in '${token}'`);
    vars[token.slice(0, eq)] = token.slice(eq + 1);
  }
  return { names, port, vars };
}

/**
 * Python's shlex.split(line, comments=True) in POSIX mode, as Ansible uses for host lines:
 * whitespace separates, ' and " quote, backslash escapes, and # outside quotes ends the line.
 */
function shlexSplit(line: string, fail: (message: string) => never): string[] {
  const tokens: string[] = [];
  let token = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else token += c;
    } else if (quote === '"') {
      const next = line[i + 1];
      if (c === '"') quote = null;
      else if (c === '\\' && (next === '"' || next === '\\')) {
        token += next;
        i++;
      } else token += c;
    } else if (c === ' ' || c === '\t') {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
    } else if (c === '#') {
      break;
    } else if (c === '"' || c === "'") {
      quote = c;
      inToken = true;
    } else if (c === '\\') {
      const next = line[i + 1];
      if (next === undefined) fail(`dangling backslash at the end of '${line}'`);
      token += next;
      inToken = true;
      i++;
    } else {
      token += c;
      inToken = true;
    }
  }
  if (quote) fail(`no closing quotation (${quote}) in '${line}'`);
  if (inToken) tokens.push(token);
  return tokens;
}

// A name (which may hold [a:b] ranges) followed by :port; or a bracketed IPv6 address with :port.
const HOST_PORT = /^((?:[^:[\]]|\[[^\]]*\])+):(\d+)$/;
const BRACKETED_HOST_PORT = /^\[([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%\w+)?)\]:(\d+)$/;

function splitHostPort(pattern: string, fail: (message: string) => never): { host: string; port: number | null } {
  if (pattern.endsWith(':')) fail(`host '${pattern}' ends in ':'; a ':' must be followed by a port`);
  const match = BRACKETED_HOST_PORT.exec(pattern) ?? HOST_PORT.exec(pattern);
  if (match) return { host: match[1] as string, port: Number(match[2]) };
  // One colon outside ranges is a port typo, not an IPv6 address: refuse rather than guess.
  const outsideRanges = pattern.replace(/\[[^\]]*\]/g, '');
  const colons = outsideRanges.split(':').length - 1;
  if (colons === 1) fail(`invalid port in host '${pattern}'`);
  return { host: pattern, port: null };
}

const RANGE_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Ansible's host ranges: web[01:10], db-[a:c], node[0:20:5]; nested ranges expand left to right. */
function expandHostRange(pattern: string, fail: (message: string) => never): string[] {
  const open = pattern.indexOf('[');
  const close = pattern.indexOf(']', open);
  if (close < 0) return fail(`unterminated range in host '${pattern}'`);
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = pattern.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) fail(`host range in '${pattern}' must be [begin:end] or [begin:end:step]`);
  const begin = bounds[0] || '0';
  const end = bounds[1] ?? '';
  const stepText = bounds[2] ?? '1';
  if (end === '') fail(`host range in '${pattern}' has no end`);
  if (!/^[1-9]\d*$/.test(stepText)) fail(`host range in '${pattern}' has an invalid step '${stepText}'`);
  const step = Number(stepText);

  const parts: string[] = [];
  const beginLetter = RANGE_LETTERS.indexOf(begin);
  const endLetter = RANGE_LETTERS.indexOf(end);
  if (begin.length === 1 && end.length === 1 && beginLetter >= 0 && endLetter >= 0) {
    if (beginLetter > endLetter) fail(`host range in '${pattern}' must have begin <= end`);
    for (let i = beginLetter; i <= endLetter; i += step) parts.push(RANGE_LETTERS[i] as string);
  } else {
    if (!/^\d+$/.test(begin) || !/^\d+$/.test(end)) fail(`host range in '${pattern}' must be numeric or single letters`);
    const padded = begin.length > 1 && begin.startsWith('0');
    if (padded && begin.length !== end.length) fail(`host range in '${pattern}' must have begin and end of equal length`);
    const first = Number(begin);
    const last = Number(end);
    if (first > last) fail(`host range in '${pattern}' must have begin <= end`);
    for (let i = first; i <= last; i += step) parts.push(padded ? String(i).padStart(begin.length, '0') : String(i));
  }

  const names: string[] = [];
  for (const part of parts) {
    const name = head + part + tail;
    if (name.includes('[')) names.push(...expandHostRange(name, fail));
    else names.push(name);
  }
  return names;
}

/** A :vars value written wholly in matching quotes means the string inside, as literal_eval reads it. */
function unquoteWhole(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) {
    const inner = value.slice(1, -1);
    if (!inner.includes(first)) return inner;
  }
  return value;
}
