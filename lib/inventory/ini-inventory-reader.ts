// Ansible's INI inventory plugin, line for line: [group], [group:children], [group:vars],
// host lines cut as shlex does, host ranges and ports, and every value typed as Python's
// ast.literal_eval types it (1 is an int, True a bool, yes a string). Groups may be used in
// :children or :vars before they are declared, but must be declared somewhere.
import { expandHostPattern, HostPatternError } from './host-pattern.ts';
import { InventoryDataError } from './inventory-data.ts';
import type { InventoryData } from './inventory-data.ts';
import { InventoryError } from './inventory.ts';
import { parseIniValue, PythonLiteralError } from './python-literal.ts';
import { pythonSplitLines, pythonStrip, PYTHON_SPACE } from './python-text.ts';
import { shlexSplit, ShlexError } from './shlex-split.ts';

const WORD = String.raw`[\p{L}\p{N}_]`;
const SECTION = new RegExp(`^\\[([^:\\]${PYTHON_SPACE}]+)(?::(${WORD}+))?\\][${PYTHON_SPACE}]*(?:#.*)?$`, 'u');
const GROUP_NAME = new RegExp(`^([^:\\]${PYTHON_SPACE}]+)[${PYTHON_SPACE}]*(?:#.*)?$`, 'u');

interface PendingDeclaration {
  line: number;
  state: 'vars' | 'children';
  parents: string[];
}

/** Reads INI inventory text into the inventory; throws InventoryError naming file and line. */
export function parseIniInventory(text: string, file: string, inventory: InventoryData): void {
  const pending = new Map<string, PendingDeclaration>();
  let group = 'ungrouped';
  let state = 'hosts';
  const lines = pythonSplitLines(text);
  let lineNo = 0;
  const fail = (message: string): never => {
    throw new InventoryError(file, lineNo, message);
  };

  for (const rawLine of lines) {
    lineNo++;
    const line = pythonStrip(rawLine);
    if (line === '' || line[0] === ';' || line[0] === '#') continue;
    try {
      const section = SECTION.exec(line);
      if (section) {
        group = section[1] as string;
        state = section[2] ?? 'hosts';
        if (state !== 'hosts' && state !== 'children' && state !== 'vars') fail(`Section [${group}:${state}] has unknown type: ${state}`);
        if (!inventory.groups.has(group)) {
          if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineNo, state: 'vars', parents: [] });
          inventory.addGroup(group);
        }
        const declaration = pending.get(group);
        if (declaration && state !== 'vars') {
          if (declaration.state === 'children') addPendingChildren(group, pending, inventory);
          else pending.delete(group);
        }
        continue;
      }
      if (line.startsWith('[') && line.endsWith(']')) {
        fail(`Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`);
      }

      if (state === 'hosts') {
        const { names, port, vars } = parseHostDefinition(line, fail);
        for (const name of names) {
          inventory.addHost(name, group, port);
          for (const [key, value] of vars) inventory.setVariable(name, key, value);
        }
      } else if (state === 'vars') {
        const eq = line.indexOf('=');
        if (eq < 0) fail(`Expected key=value, got: ${line}`);
        inventory.setVariable(group, pythonStrip(line.slice(0, eq)), parseIniValue(pythonStrip(line.slice(eq + 1))));
      } else {
        const match = GROUP_NAME.exec(line);
        if (!match) return fail(`Expected group name, got: ${line}`);
        const child = match[1] as string;
        if (inventory.groups.has(child)) {
          inventory.addChild(group, child);
        } else {
          const declaration = pending.get(child);
          if (declaration) declaration.parents.push(group);
          else pending.set(child, { line: lineNo, state: 'children', parents: [group] });
        }
      }
    } catch (err) {
      if (err instanceof InventoryDataError || err instanceof HostPatternError || err instanceof PythonLiteralError) fail(err.message);
      throw err;
    }
  }

  // Ansible reports the first unresolved reference, in the order they were first noted.
  for (const [name, declaration] of pending) {
    lineNo = declaration.line;
    if (declaration.state === 'vars') fail(`Section [${name}:vars] not valid for undefined group: ${name}`);
    fail(`Section [${declaration.parents[declaration.parents.length - 1] ?? ''}:children] includes undefined group: ${name}`);
  }
}

function addPendingChildren(group: string, pending: Map<string, PendingDeclaration>, inventory: InventoryData): void {
  for (const parent of pending.get(group)?.parents ?? []) {
    inventory.addChild(parent, group);
    if (pending.get(parent)?.state === 'children') addPendingChildren(parent, pending, inventory);
  }
  pending.delete(group);
}

function parseHostDefinition(line: string, fail: (message: string) => never): { names: string[]; port: number | bigint | null; vars: [string, unknown][] } {
  let tokens: string[];
  try {
    tokens = shlexSplit(line);
  } catch (err) {
    if (err instanceof ShlexError) return fail(`Error parsing host definition '${line}': ${err.message}`);
    throw err;
  }
  const pattern = tokens[0];
  if (pattern === undefined) return fail(`Error parsing host definition '${line}': no host`);
  const { names, port } = expandHostPattern(pattern);
  if (pythonStrip(pattern).endsWith(':') && port === null) {
    fail(`Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`);
  }
  if (names.some((name) => pythonStrip(name) === '---')) fail(`Invalid host pattern '${pattern}' supplied, '---' is normally a sign this is a YAML file.`);
  const vars: [string, unknown][] = [];
  for (const token of tokens.slice(1)) {
    const eq = token.indexOf('=');
    if (eq < 0) fail(`Expected key=value host variable assignment, got: ${token}`);
    vars.push([token.slice(0, eq), parseIniValue(token.slice(eq + 1))]);
  }
  return { names, port, vars };
}
