// The settings of Ansible's own configuration that decide how it reaches hosts, so that an
// Ansible repository whose ansible.cfg says `remote_user = deploy` and `private_key_file = …`
// (and not every host's inventory entry) is polled as Ansible would connect: the connection
// defaults, the inventory and the vault password file. Found and read as Ansible 2.14 does:
// the first of $ANSIBLE_CONFIG, ./ansible.cfg (not in a world-writable directory),
// ~/.ansible.cfg and /etc/ansible/ansible.cfg; each setting's ANSIBLE_* environment variable
// beats the file; a host's inventory variables (ansible_user, …) beat both.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { InventoryError } from './inventory.ts';
import { unfrackPath } from './unfrack-path.ts';

export interface AnsibleConfig {
  /** The ansible.cfg read, or null when there is none. */
  file: string | null;
  /** remote_user / ANSIBLE_REMOTE_USER: ansible_user's default. */
  remoteUser?: string;
  /** private_key_file / ANSIBLE_PRIVATE_KEY_FILE, made absolute: ansible_ssh_private_key_file's default. */
  privateKeyFile?: string;
  /** remote_port / ANSIBLE_REMOTE_PORT: ansible_port's default. */
  remotePort?: number;
  /** [ssh_connection] ssh_common_args / ANSIBLE_SSH_COMMON_ARGS: ansible_ssh_common_args's default (a ProxyJump for every host). */
  sshCommonArgs?: string;
  /** inventory / ANSIBLE_INVENTORY, made absolute. */
  inventory?: string[];
  /** vault_password_file / ANSIBLE_VAULT_PASSWORD_FILE, made absolute. */
  vaultPasswordFile?: string;
}

interface Setting {
  section: string;
  key: string;
  env: string;
}

const SETTINGS = {
  remoteUser: { section: 'defaults', key: 'remote_user', env: 'ANSIBLE_REMOTE_USER' },
  privateKeyFile: { section: 'defaults', key: 'private_key_file', env: 'ANSIBLE_PRIVATE_KEY_FILE' },
  remotePort: { section: 'defaults', key: 'remote_port', env: 'ANSIBLE_REMOTE_PORT' },
  sshCommonArgs: { section: 'ssh_connection', key: 'ssh_common_args', env: 'ANSIBLE_SSH_COMMON_ARGS' },
  inventory: { section: 'defaults', key: 'inventory', env: 'ANSIBLE_INVENTORY' },
  vaultPasswordFile: { section: 'defaults', key: 'vault_password_file', env: 'ANSIBLE_VAULT_PASSWORD_FILE' },
} satisfies Record<string, Setting>;

export interface AnsibleConfigPlaces {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
}

/** Ansible's find_ini_config_file: the first that exists and can be read, or null. */
export function findAnsibleConfigFile(places: AnsibleConfigPlaces = {}): string | null {
  const env = places.env ?? process.env;
  const cwd = places.cwd ?? process.cwd();
  const home = places.home ?? homedir();
  const candidates: string[] = [];
  const fromEnv = env['ANSIBLE_CONFIG'];
  if (fromEnv !== undefined) {
    const path = unfrackPath(fromEnv, cwd, { home, env });
    candidates.push(isDirectory(path) ? join(path, 'ansible.cfg') : path);
  }
  // Ansible skips a world-writable working directory's file: anyone could have put it there.
  try {
    if ((statSync(cwd).mode & 0o002) === 0) candidates.push(join(cwd, 'ansible.cfg'));
  } catch {
    // A working directory that is gone has no ansible.cfg.
  }
  candidates.push(join(home, '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  return candidates.find(isReadableFile) ?? null;
}

/** The settings from the environment and the ansible.cfg found; throws InventoryError on a file Ansible would refuse. */
export function readAnsibleConfig(places: AnsibleConfigPlaces = {}): AnsibleConfig {
  const env = places.env ?? process.env;
  const cwd = places.cwd ?? process.cwd();
  const home = places.home ?? homedir();
  const file = findAnsibleConfigFile(places);
  const sections = file === null ? new Map<string, Map<string, IniValue>>() : parseConfigIni(readConfigText(file), file);

  const config: AnsibleConfig = { file };
  // Where a value came from decides what a relative path is relative to: the file's directory,
  // or for an environment variable the working directory.
  const lookup = (setting: Setting): { value: string; base: string; line: number | null } | null => {
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined) return { value: fromEnv, base: cwd, line: null };
    const entry = sections.get(setting.section)?.get(setting.key);
    return entry && file ? { value: entry.value, base: dirname(file), line: entry.line } : null;
  };
  const fail = (setting: Setting, line: number | null, message: string): never => {
    if (line === null) throw new InventoryError(setting.env, null, message);
    throw new InventoryError(file ?? setting.env, line, `[${setting.section}] ${setting.key}: ${message}`);
  };

  const user = lookup(SETTINGS.remoteUser);
  if (user && user.value.trim() !== '') config.remoteUser = user.value.trim();
  const key = lookup(SETTINGS.privateKeyFile);
  if (key && key.value.trim() !== '') config.privateKeyFile = unfrackPath(key.value.trim(), key.base, { home, env });
  const port = lookup(SETTINGS.remotePort);
  if (port && port.value.trim() !== '') {
    const value = port.value.trim();
    if (!/^[+-]?\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) fail(SETTINGS.remotePort, port.line, `must be a port number, got '${value}'`);
    config.remotePort = Number(value);
  }
  const common = lookup(SETTINGS.sshCommonArgs);
  if (common && common.value.trim() !== '') config.sshCommonArgs = common.value.trim();
  const inventory = lookup(SETTINGS.inventory);
  if (inventory && inventory.value.trim() !== '') {
    config.inventory = inventory.value.split(',').map((item) => item.trim()).filter((item) => item !== '').map((item) => unfrackPath(item, inventory.base, { home, env }));
  }
  const vault = lookup(SETTINGS.vaultPasswordFile);
  if (vault && vault.value.trim() !== '') config.vaultPasswordFile = unfrackPath(vault.value.trim(), vault.base, { home, env });
  return config;
}

export interface IniValue {
  value: string;
  /** The line the option starts on. */
  line: number;
}

/**
 * Python's configparser.ConfigParser(inline_comment_prefixes=(';',)) as Ansible uses it, read
 * raw (no interpolation): sections, `key = value` or `key: value` (keys lower-cased),
 * full-line `#` and `;` comments, `;` comments after whitespace, indented continuation lines,
 * and its strict refusal of a repeated section or key.
 */
export function parseConfigIni(text: string, file: string): Map<string, Map<string, IniValue>> {
  const sections = new Map<string, Map<string, IniValue>>();
  let section: Map<string, IniValue> | null = null;
  let current: { key: string; entry: IniValue; lines: string[]; indent: number } | null = null;
  const finish = (): void => {
    if (!current || !section) return;
    while (current.lines.length > 1 && current.lines[current.lines.length - 1] === '') current.lines.pop();
    current.entry.value = current.lines.join('\n');
    current = null;
  };

  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const stripped = raw.trim();
    if (stripped.startsWith('#') || stripped.startsWith(';')) return;
    const value = withoutInlineComment(raw).trim();
    const indent = raw.length - raw.trimStart().length;
    if (value === '') {
      // An empty line inside a value is kept, if a continuation line follows.
      if (current) current.lines.push('');
      return;
    }
    if (current && indent > current.indent) {
      current.lines.push(value);
      return;
    }
    finish();
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      const name = header[1] as string;
      if (sections.has(name)) throw new InventoryError(file, lineNo, `Error reading config file: section '${name}' already exists`);
      section = new Map();
      sections.set(name, section);
      return;
    }
    if (!section) throw new InventoryError(file, lineNo, 'Error reading config file: the file does not start with a [section] header');
    const option = /^(.*?)\s*([=:])\s*(.*)$/.exec(value);
    if (!option || (option[1] as string).trim() === '') throw new InventoryError(file, lineNo, `Error reading config file: cannot read line ${JSON.stringify(raw.trim())} (expected key = value)`);
    const key = (option[1] as string).toLowerCase().trimEnd();
    if (section.has(key)) throw new InventoryError(file, lineNo, `Error reading config file: option '${key}' already exists in this section`);
    const entry: IniValue = { value: '', line: lineNo };
    section.set(key, entry);
    current = { key, entry, lines: [(option[3] as string).trim()], indent };
  });
  finish();
  return sections;
}

/** configparser's inline comments: a `;` at the start or after whitespace starts one. */
function withoutInlineComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === ';' && (i === 0 || /\s/.test(line[i - 1] as string))) return line.slice(0, i);
  }
  return line;
}

function readConfigText(file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readFileSync(file));
  } catch (err) {
    throw new InventoryError(file, null, `Error reading config file: ${err instanceof TypeError ? 'not valid UTF-8' : (err as Error).message}`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
