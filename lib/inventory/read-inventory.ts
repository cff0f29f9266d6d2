// The one way Vigil reads an Ansible inventory: a file (an inventory script, INI or YAML, told
// apart as Ansible's plugin chain does), a directory of them (sorted, with Ansible's ignore rules), or a
// comma-separated host list; then group_vars/ and host_vars/ beside each source, and every
// host's variables merged in the order of Ansible's VariableManager:
//   all's vars < other groups' vars (by depth, priority, name) < group_vars/all
//   < group_vars/<group> (same order) < the host's inline vars < host_vars/<host>.
// Stricter than Ansible in one way: any source or vars file that cannot be read is an error,
// never a warning, so Vigil never monitors half an inventory.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { parseIniInventory } from './ini-inventory-reader.ts';
import { InventoryData, sortGroups } from './inventory-data.ts';
import type { GroupData, HostData } from './inventory-data.ts';
import { InventoryError } from './inventory.ts';
import type { Inventory, InventoryGroup, InventoryHost } from './inventory.ts';
import { parseAddress } from './host-pattern.ts';
import { comparePythonStrings, mergeVariables, setVariable } from './python-values.ts';
import { readVarsFor, VarsFilesCache } from './vars-files.ts';
import { DataMapping, decryptFileIfVaulted, loadYamlOrJson } from './yaml-data-loader.ts';
import type { LoadOptions } from './yaml-data-loader.ts';
import { NotYamlInventoryError, parseYamlInventory } from './yaml-inventory-reader.ts';
import { unfrackPath } from './unfrack-path.ts';
import { DEFAULT_SCRIPT_TIMEOUT_MS, hasShebang, isInventoryScript, readPluginInventory, readScriptInventory, ScriptInventoryError } from './script-inventory-reader.ts';

export interface ReadInventoryOptions {
  /** Decrypts `!vault` values and vault-encrypted files; without it they stay encrypted. */
  vaultPassword?: string | undefined;
  /** Where Ansible's warnings go (entries skipped in a YAML inventory); default: dropped. */
  warn?: (message: string) => void;
  /** How long an inventory script may run (each --list and --host call); default 60 s. */
  scriptTimeoutMs?: number | undefined;
}

interface ReadContext {
  load: LoadOptions;
  warn: (message: string) => void;
  scriptTimeoutMs: number;
  /** The sources read by running them, in the order they were run. */
  dynamicSources: string[];
}

/** Variables ansible-inventory never shows: Ansible's own (magic) variables overwrite them. */
const INTERNAL_VARS = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources',
  'ansible_limit', 'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity',
  'ansible_version', 'inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short',
  'groups', 'group_names', 'omit', 'playbook_dir',
]);

// INVENTORY_IGNORE_EXTS (REJECT_EXTS + .orig, .ini, .cfg, .retry) and the names always ignored.
const IGNORED = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(?:\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;
const YAML_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export async function readInventory(source: string | readonly string[], options: ReadInventoryOptions = {}): Promise<Inventory> {
  const given = typeof source === 'string' ? [source] : [...source];
  const sources = given.map((path) => (path.includes(',') && !existsSync(path) ? path : unfrackPath(path, process.cwd())));
  const inventory = new InventoryData();
  const context: ReadContext = {
    load: { vaultPassword: options.vaultPassword },
    warn: options.warn ?? (() => {}),
    scriptTimeoutMs: options.scriptTimeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS,
    dynamicSources: [],
  };

  for (const path of sources) {
    if (path.includes(',') && !existsSync(path)) parseHostList(path, inventory);
    else await parseSource(path, inventory, context);
  }
  inventory.reconcile();
  return { ...mergeInventory(inventory, sources, context.load, given[0] ?? ''), dynamicSources: context.dynamicSources };
}


function parseHostList(list: string, inventory: InventoryData): void {
  for (const item of list.split(',')) {
    const name = item.trim();
    if (name === '') continue;
    const address = name.includes('[') ? null : parseAddress(name);
    const host = address?.host ?? name;
    if (!inventory.hosts.has(host)) inventory.addHost(host, 'ungrouped', address?.port ?? null);
  }
}

async function parseSource(path: string, inventory: InventoryData, context: ReadContext): Promise<void> {
  let stats;
  try {
    stats = statSync(path);
  } catch (err) {
    throw new InventoryError(path, null, `cannot read inventory: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  if (stats.isDirectory()) {
    const entries = readdirSync(path).sort(comparePythonStrings);
    for (const entry of entries) {
      if (IGNORED.test(entry)) continue;
      await parseSource(`${path}/${entry}`, inventory, context);
    }
    return;
  }
  await parseFile(path, inventory, context);
}

/** Tries the plugins Ansible enables by default, in its order: script, auto, yaml, ini. */
async function parseFile(path: string, inventory: InventoryData, context: ReadContext): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InventoryError(path, null, `cannot read inventory: ${(err as Error).message}`);
  }
  const scriptOptions = { load: context.load, timeoutMs: context.scriptTimeoutMs };
  let scriptFailure: ScriptInventoryError | null = null;
  if (isInventoryScript(path, bytes)) {
    try {
      await readScriptInventory(path, bytes, inventory, scriptOptions);
      context.dynamicSources.push(path);
      return;
    } catch (err) {
      if (!(err instanceof ScriptInventoryError)) throw err;
      scriptFailure = err;
    }
  }
  // As in Ansible, a file the script plugin fails on is tried as YAML and INI: an INI file with
  // the executable bit set is still an INI file. When they fail too, a script that was meant as
  // one (it ran, or it starts with #!) is what the error is about.
  let configured: { plugin: string } | void;
  try {
    configured = parseStaticFile(path, bytes, inventory, context.load, context.warn);
  } catch (staticErr) {
    if (scriptFailure && staticErr instanceof InventoryError && (scriptFailure.ran || hasShebang(bytes))) throw scriptFailure;
    throw staticErr;
  }
  if (configured) {
    await readPluginInventory(path, configured.plugin, inventory, scriptOptions);
    // Its hosts change without an edit, as a script's do.
    context.dynamicSources.push(path);
  }
}

/** The auto, yaml and ini plugins, in Ansible's order; a configuration of another plugin (auto's) is returned, not read. */
function parseStaticFile(path: string, bytes: Buffer, inventory: InventoryData, load: LoadOptions, warn: (message: string) => void): { plugin: string } | void {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InventoryError(path, null, 'the inventory is not valid UTF-8');
  }
  text = decryptFileIfVaulted(text, path, load);

  const extension = extname(path);
  const failures: InventoryError[] = [];
  let yamlData: { value: unknown } | null = null;
  const loadYaml = (): unknown => {
    yamlData ??= { value: loadYamlOrJson(text, path, load) };
    return yamlData.value;
  };

  // auto: a .yml/.yaml file with a root `plugin` key configures some other inventory plugin.
  if (path.endsWith('.yml') || path.endsWith('.yaml')) {
    let plugin: unknown;
    try {
      const data = loadYaml();
      plugin = data instanceof DataMapping ? data.get('plugin') : undefined;
    } catch (err) {
      if (!(err instanceof InventoryError)) throw err;
    }
    if (plugin !== undefined && plugin !== null && plugin !== '' && plugin !== false) return { plugin: String(plugin) };
  }

  if (extension === '' || YAML_EXTENSIONS.has(extension)) {
    // As in Ansible, what a failed plugin added before failing stays.
    try {
      parseYamlInventory(loadYaml(), path, inventory, warn);
      return;
    } catch (err) {
      if (!(err instanceof InventoryError)) throw err;
      failures.push(err);
    }
  }

  try {
    parseIniInventory(text, path, inventory);
    return;
  } catch (err) {
    if (!(err instanceof InventoryError)) throw err;
    failures.push(err);
  }

  // Report what the file was most likely meant to be: YAML by its extension or its content.
  const yamlFailure = failures.find((failure) => !(failure instanceof NotYamlInventoryError) && failure !== failures[failures.length - 1]);
  const iniFailure = failures[failures.length - 1] as InventoryError;
  const meantAsYaml = YAML_EXTENSIONS.has(extension) || (yamlFailure !== undefined && yamlFailure.line !== null && !/^\s*\[/m.test(text));
  throw meantAsYaml && yamlFailure ? yamlFailure : iniFailure;
}

function mergeInventory(inventory: InventoryData, sources: string[], load: LoadOptions, source: string): Omit<Inventory, 'dynamicSources'> {
  const baseDirs = sources
    .filter((path) => !(path.includes(',') && !existsSync(path)))
    .map((path) => (statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : dirname(path)));
  const cache = new VarsFilesCache();
  const filesVars = (kind: 'group_vars' | 'host_vars', name: string): Record<string, unknown> => {
    if (baseDirs.length === 1) return readVarsFor(baseDirs[0] as string, kind, name, load, cache);
    let vars: Record<string, unknown> = {};
    for (const dir of baseDirs) vars = mergeVariables(vars, readVarsFor(dir, kind, name, load, cache));
    return vars;
  };

  // Every group's and host's files are read, used or not: a broken file is an error now, not later.
  const groupFiles = new Map<GroupData, Record<string, unknown>>();
  for (const group of inventory.groups.values()) groupFiles.set(group, filesVars('group_vars', group.name));
  const all = inventory.group('all');

  const groups: InventoryGroup[] = [...inventory.groups.values()].map((group) => {
    const vars = mergeVariables(group.vars, groupFiles.get(group) ?? {});
    if (group.priority !== 1) vars['ansible_group_priority'] = group.priority;
    return {
      name: group.name,
      hosts: group === all ? [] : group.hosts.map((host) => host.name),
      children: group.childGroups.map((child) => child.name),
      vars: withoutInternal(vars),
      depth: group.depth,
      priority: group.priority,
    };
  });

  // Hosts with the same direct groups share everything but their own variables; a large
  // inventory has few such sets, so the group part of the merge is done once per set.
  const ancestors = new Map<GroupData, Set<GroupData>>();
  for (const group of inventory.groups.values()) ancestors.set(group, group.ancestors());
  const shared = new Map<string, { groups: string[]; vars: Record<string, unknown> }>();
  const hosts: InventoryHost[] = [...inventory.hosts.values()].map((host) => {
    const key = [...host.directGroups].map((group) => group.name).sort().join('\u0000');
    let part = shared.get(key);
    if (!part) {
      part = groupPart(host, all, ancestors, groupFiles);
      shared.set(key, part);
    }
    const vars: Record<string, unknown> = { ...part.vars };
    for (const own of [host.vars, filesVars('host_vars', host.name)]) {
      for (const name of Object.keys(own)) if (!INTERNAL_VARS.has(name)) setVariable(vars, name, own[name]);
    }
    return { name: host.name, groups: [...part.groups], vars };
  });
  return { source, sources, groups, hosts };
}

/**
 * The variables a host gets from its groups: all's own < the other groups' own (sorted by
 * depth, priority, name) < group_vars/all < the other groups' group_vars files (same order).
 */
function groupPart(
  host: HostData,
  all: GroupData,
  ancestors: Map<GroupData, Set<GroupData>>,
  groupFiles: Map<GroupData, Record<string, unknown>>,
): { groups: string[]; vars: Record<string, unknown> } {
  const member = new Set<GroupData>();
  for (const group of host.directGroups) {
    member.add(group);
    for (const ancestor of ancestors.get(group) ?? []) member.add(ancestor);
  }
  member.delete(all);
  const sorted = sortGroups(member);
  let vars = { ...all.vars };
  for (const group of sorted) vars = mergeVariables(vars, group.vars);
  vars = mergeVariables(vars, groupFiles.get(all) ?? {});
  for (const group of sorted) vars = mergeVariables(vars, groupFiles.get(group) ?? {});
  return { groups: sorted.map((group) => group.name).sort(comparePythonStrings), vars: withoutInternal(vars) };
}

function withoutInternal(vars: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(vars)) if (INTERNAL_VARS.has(key)) delete vars[key];
  return vars;
}
