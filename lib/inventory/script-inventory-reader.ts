// Ansible's script inventory plugin: an executable inventory source (a cloud's or a CMDB's
// dynamic inventory) is run with --list and prints JSON: groups, each a list of hosts or a
// mapping of `hosts`, `vars` and `children`, and `_meta.hostvars`; a script without
// `_meta.hostvars` is asked `--host NAME` for each host, as Ansible asks it.
//
// Unlike Ansible, a script gets a time limit: a cloud API that hangs must not hold up every
// later reload of the inventory.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { InventoryDataError } from './inventory-data.ts';
import type { InventoryData } from './inventory-data.ts';
import { InventoryError } from './inventory.ts';
import { DataMapping, jsonKey, loadYamlOrJson, parsePythonJson, toVariableValue } from './yaml-data-loader.ts';
import type { LoadOptions } from './yaml-data-loader.ts';

export const DEFAULT_SCRIPT_TIMEOUT_MS = 60_000;
// Scripts' answers for large fleets run to megabytes; this only stops a runaway one.
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
// --host calls at once, for a script without _meta (Ansible makes them one by one).
const HOST_CALLS_AT_ONCE = 8;

/** Why a script failed; `ran` is false when it could not be started at all. */
export class ScriptInventoryError extends InventoryError {
  readonly ran: boolean;
  constructor(file: string, message: string, ran: boolean) {
    super(file, null, message);
    this.ran = ran;
  }
}

/** Ansible's verify_file: executable, or starting with `#!`. */
export function isInventoryScript(path: string, bytes: Buffer): boolean {
  if (hasShebang(bytes)) return true;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function hasShebang(bytes: Buffer): boolean {
  return bytes[0] === 0x23 && bytes[1] === 0x21;
}

export interface ScriptOptions {
  load: LoadOptions;
  timeoutMs: number;
}

export async function readScriptInventory(path: string, bytes: Buffer, inventory: InventoryData, options: ScriptOptions): Promise<void> {
  // Ansible starts the file itself; the kernel runs only a `#!` script or a binary. Node's
  // spawn would hand anything else to /bin/sh (glibc's execvp does), running an executable INI
  // file's lines as commands, so it is refused here as Python's exec refuses it.
  if (!hasShebang(bytes) && !isElf(bytes)) {
    throw new ScriptInventoryError(path, `problem running ${path} --list ([Errno 8] Exec format error)`, false);
  }
  await readListedInventory(path, { label: `Inventory script (${path} --list)`, notFound: 'no such file, or its interpreter is missing', file: path, list: ['--list'], host: (name) => ['--host', name] }, inventory, options);
}

/**
 * An inventory plugin's configuration (`plugin: amazon.aws.aws_ec2`), read by Ansible's own
 * `ansible-inventory`, whose --list --export answer is an inventory script's.
 */
export async function readPluginInventory(path: string, plugin: string, inventory: InventoryData, options: ScriptOptions): Promise<void> {
  // constructed (and its like) builds groups from the hosts of the sources read before it; run
  // alone it would see none and quietly add nothing.
  if (/^(?:ansible\.builtin\.)?constructed$/.test(plugin)) {
    throw new ScriptInventoryError(path, `plugin: ${plugin} builds on the inventory's other sources, and Vigil runs each plugin configuration alone: it cannot be read`, false);
  }
  // A configuration it cannot parse (an unknown plugin, bad options) is by default only a warning
  // and an empty inventory; Vigil never polls half an inventory, so it must be an error.
  const env = { ...process.env, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True', ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'True' };
  const list = ['-i', path, '--list', '--export'];
  await readListedInventory(path, {
    label: `${ANSIBLE_INVENTORY_COMMAND} ${list.join(' ')}`,
    notFound: 'not found on PATH: reading an inventory plugin\'s configuration needs Ansible (ansible-core)',
    file: ANSIBLE_INVENTORY_COMMAND,
    list,
    host: (name) => ['-i', path, '--host', name],
    env,
  }, inventory, options);
}

/** On PATH, as a shell would find it: the Ansible the operator runs. */
export const ANSIBLE_INVENTORY_COMMAND = 'ansible-inventory';

interface InventoryCommand {
  /** What errors call it: "Inventory script (path --list)", "ansible-inventory -i path --list --export". */
  label: string;
  /** Why it could not be started when the file is not there. */
  notFound: string;
  file: string;
  list: string[];
  host: (name: string) => string[];
  env?: NodeJS.ProcessEnv;
}

async function readListedInventory(path: string, command: InventoryCommand, inventory: InventoryData, options: ScriptOptions): Promise<void> {
  const listed = await runScript(command, command.list, options.timeoutMs, path);
  if (listed.code !== 0) {
    throw new ScriptInventoryError(path, `${command.label} had an execution error: ${tail(listed.stderr)}`, true);
  }
  const text = decodeUtf8(listed.stdout, path);
  const parsed = parsePythonJson(text);
  if (!parsed.ok) throw new ScriptInventoryError(path, `failed to parse executable inventory script results from ${path}: not JSON${stderrNote(listed.stderr)}`, true);
  const data = parsed.value;
  if (!(data instanceof DataMapping)) {
    throw new ScriptInventoryError(path, `failed to parse executable inventory script results from ${path}: needs to be a json dict${stderrNote(listed.stderr)}`, true);
  }

  const hosts = new Set<string>();
  let metaHostVars: unknown;
  let hasMetaHostVars = false;
  try {
    for (const [group, groupData] of data.entries) {
      if (group === '_meta') {
        if (groupData instanceof DataMapping && groupData.has('hostvars')) {
          hasMetaHostVars = true;
          metaHostVars = groupData.get('hostvars');
        } else if ((typeof groupData === 'string' || Array.isArray(groupData)) && groupData.includes('hostvars')) {
          throw new InventoryDataError('_meta must be a mapping holding hostvars');
        }
      } else {
        parseGroup(String(group), groupData, inventory, hosts);
      }
    }
  } catch (err) {
    if (err instanceof InventoryDataError) throw new ScriptInventoryError(path, err.message, true);
    throw err;
  }

  const hostVars = hasMetaHostVars
    ? [...hosts].map((host) => {
      if (!(metaHostVars instanceof DataMapping)) throw new ScriptInventoryError(path, `Improperly formatted host information for ${host}: _meta.hostvars is not a mapping`, true);
      return metaHostVars.get(host);
    })
    : await askEachHost(path, command, [...hosts], options);
  [...hosts].forEach((host, index) => {
    const vars = hostVars[index];
    if (vars === undefined || isEmptySequence(vars)) return;
    if (!(vars instanceof DataMapping)) throw new ScriptInventoryError(path, `Invalid data for host ${host}, expected a mapping of variables and got: ${describe(vars)}`, true);
    for (const [name, value] of vars.entries) inventory.setVariable(host, jsonKey(name), toVariableValue(value));
  });
}

/** Ansible's _parse_group. */
function parseGroup(name: string, groupData: unknown, inventory: InventoryData, hosts: Set<string>): void {
  const group = inventory.addGroup(name);
  let data: DataMapping;
  if (!(groupData instanceof DataMapping)) {
    data = new DataMapping();
    data.set('hosts', groupData);
  } else if (!groupData.has('hosts') && !groupData.has('vars') && !groupData.has('children')) {
    // A mapping without those keys is a host of the group's name, with these variables.
    data = new DataMapping();
    data.set('hosts', [group]);
    data.set('vars', groupData);
  } else {
    data = groupData;
  }

  if (data.has('hosts')) {
    const list = data.get('hosts');
    if (!Array.isArray(list)) throw new InventoryDataError(`You defined a group '${group}' with bad data for the host list: ${describe(list)}`);
    for (const host of list) {
      inventory.addHost(host, group, null);
      hosts.add(host as string);
    }
  }
  if (data.has('vars')) {
    const vars = data.get('vars');
    if (!(vars instanceof DataMapping)) throw new InventoryDataError(`You defined a group '${group}' with bad data for variables: ${describe(vars)}`);
    for (const [variable, value] of vars.entries) inventory.setVariable(group, jsonKey(variable), toVariableValue(value));
  }
  if (data.has('children')) {
    for (const child of iteratePython(data.get('children'), group)) {
      inventory.addChild(group, inventory.addGroup(child));
    }
  }
}

/** What Python's `for x in value` gives for a JSON value: items, keys or characters. */
function iteratePython(value: unknown, group: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (value instanceof DataMapping) return value.entries.map(([key]) => key);
  if (typeof value === 'string') return [...value];
  throw new InventoryDataError(`You defined a group '${group}' with bad data for its children: ${describe(value)}`);
}

async function askEachHost(path: string, command: InventoryCommand, hosts: string[], options: ScriptOptions): Promise<unknown[]> {
  const answers: unknown[] = new Array(hosts.length);
  let next = 0;
  const askNext = async (): Promise<void> => {
    while (next < hosts.length) {
      const index = next++;
      const host = hosts[index] as string;
      // As Ansible: the exit status of --host is not looked at, only what it printed; an empty
      // answer is an error (Ansible's check for one compares bytes with a str, never equal).
      const answer = await runScript(command, command.host(host), options.timeoutMs, path);
      const text = decodeUtf8(answer.stdout, path);
      try {
        answers[index] = loadYamlOrJson(text, path, options.load);
      } catch (err) {
        if (!(err instanceof InventoryError)) throw err;
        throw new ScriptInventoryError(path, `could not parse post variable response: ${path} --host ${host}: ${err.reason}`, true);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HOST_CALLS_AT_ONCE, hosts.length) }, askNext));
  return answers;
}

interface ScriptOutput {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** Runs the command's file with `args`; errors name `path`, the inventory source it reads. */
function runScript(run: InventoryCommand, args: string[], timeoutMs: number, path: string): Promise<ScriptOutput> {
  const file = run.file;
  const command = `${file} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'buffer', maxBuffer: MAX_OUTPUT_BYTES, timeout: timeoutMs, killSignal: 'SIGKILL', ...(run.env ? { env: run.env } : {}) }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const failure = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string; signal?: NodeJS.Signals | null };
      if (failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
        return reject(new ScriptInventoryError(path, `${command} printed more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB`, true));
      }
      if (typeof failure.code === 'string') {
        const reason = failure.code === 'EACCES' ? 'permission denied: is it executable?' : failure.code === 'ENOENT' ? run.notFound : failure.message;
        return reject(new ScriptInventoryError(path, `problem running ${command} (${reason})`, false));
      }
      if (failure.killed && failure.signal === 'SIGKILL') {
        return reject(new ScriptInventoryError(path, `${command} did not finish within ${timeoutMs / 1000} s and was stopped`, true));
      }
      // Killed by a signal of its own (code null) counts as a failure, as a non-zero status.
      resolve({ code: typeof failure.code === 'number' ? failure.code : -1, stdout, stderr });
    });
  });
}

function decodeUtf8(bytes: Buffer, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ScriptInventoryError(path, `Inventory ${path} contained characters that cannot be interpreted as UTF-8`, true);
  }
}

function isElf(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes.toString('latin1', 1, 4) === 'ELF';
}

function isEmptySequence(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || value === '';
}

// The end of a script's stderr is where its error is; a traceback can be long.
function tail(stderr: Buffer): string {
  const text = stderr.toString('utf8').trim();
  return text.length > 2000 ? `…${text.slice(-2000)}` : text === '' ? '(nothing on stderr)' : text;
}

function stderrNote(stderr: Buffer): string {
  return stderr.length === 0 ? '' : `; its stderr: ${tail(stderr)}`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value instanceof DataMapping) return 'a mapping';
  if (Array.isArray(value)) return 'a list';
  return JSON.stringify(value) ?? String(value);
}
