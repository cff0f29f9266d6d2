// Ansible's host_group_vars plugin: group_vars/<group> and host_vars/<host> beside each
// inventory source (inside it, for a directory). For a name it takes the first of `name`,
// `name.yml`, `name.yaml`, `name.json` that exists; if that is a directory, every file in it
// (recursively, sorted, skipping dotfiles, backups~ and other extensions). A file that is empty
// or null adds nothing; one that is not a mapping is an error, as in Ansible.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { InventoryError } from './inventory.ts';
import { comparePythonStrings, mergeVariables } from './python-values.ts';
import { DataMapping, loadYamlOrJson, toVariableValue } from './yaml-data-loader.ts';
import type { LoadOptions } from './yaml-data-loader.ts';

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];
const DIRECTORY_EXTENSIONS = new Set(['.yml', '.yaml', '.json']);

const NO_VARS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

export type VarsKind = 'group_vars' | 'host_vars';

/** What one read of an inventory has already looked up: vars directories and loaded files. */
export class VarsFilesCache {
  readonly files = new Map<string, Record<string, unknown>>();
  /** Per base directory and kind: the real path of the vars directory and its entries, or null. */
  readonly directories = new Map<string, { dir: string; entries: Set<string> } | null>();
}

/** The variables of one group or host from the vars directory beside one inventory source. */
export function readVarsFor(baseDir: string, kind: VarsKind, name: string, options: LoadOptions, cache: VarsFilesCache): Record<string, unknown> {
  if (name.startsWith(sep)) return {};
  const files = findVarsFiles(baseDir, kind, name, cache);
  if (files.length === 0) return NO_VARS;
  let vars: Record<string, unknown> = {};
  for (const file of files) {
    let fileVars = cache.files.get(file);
    if (fileVars === undefined) {
      fileVars = loadVarsFile(file, options);
      cache.files.set(file, fileVars);
    }
    vars = mergeVariables(vars, fileVars);
  }
  return vars;
}

function varsDirectory(baseDir: string, kind: VarsKind, cache: VarsFilesCache): { dir: string; entries: Set<string> } | null {
  const key = `${baseDir}\0${kind}`;
  let found = cache.directories.get(key);
  if (found === undefined) {
    found = null;
    try {
      const dir = realpathSync(join(baseDir, kind));
      if (statSync(dir).isDirectory()) found = { dir, entries: new Set(readdirSync(dir)) };
    } catch {
      found = null;
    }
    cache.directories.set(key, found);
  }
  return found;
}

function findVarsFiles(baseDir: string, kind: VarsKind, name: string, cache: VarsFilesCache): string[] {
  const directory = varsDirectory(baseDir, kind, cache);
  if (!directory) return [];
  // Most names have no file: look them up in the listing rather than asking the file system.
  const nested = name.includes(sep);
  if (!nested && !EXTENSIONS.some((extension) => directory.entries.has(name + extension))) return [];
  const base = join(directory.dir, name);
  for (const extension of EXTENSIONS) {
    if (!nested && !directory.entries.has(name + extension)) continue;
    const stats = statSync(base + extension, { throwIfNoEntry: false });
    if (!stats) continue;
    return stats.isDirectory() ? filesInVarsDirectory(base + extension) : [base + extension];
  }
  return [];
}

function filesInVarsDirectory(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort(comparePythonStrings)) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const path = join(dir, entry);
    const dot = entry.lastIndexOf('.');
    const extension = dot > 0 ? entry.slice(dot) : '';
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) continue;
    if (stats.isDirectory() && extension === '') found.push(...filesInVarsDirectory(path));
    else if (stats.isFile() && (extension === '' || DIRECTORY_EXTENSIONS.has(extension))) found.push(path);
  }
  return found;
}

function loadVarsFile(file: string, options: LoadOptions): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readFileSync(file));
  } catch (err) {
    throw new InventoryError(file, null, `cannot read variables file: ${(err as Error).message}`);
  }
  const data = loadYamlOrJson(text, file, options);
  // Ansible skips whatever is falsy (empty file, null, {}, [], "", 0, false).
  if (data === null || data === false || data === '' || data === 0 || data === 0n || (Array.isArray(data) && data.length === 0)) return {};
  if (!(data instanceof DataMapping)) {
    const kind = Array.isArray(data) ? 'a list' : `a ${typeof data}`;
    throw new InventoryError(file, 1, `variables file must be a mapping of variable names to values, got ${kind}`);
  }
  return toVariableValue(data) as Record<string, unknown>;
}
