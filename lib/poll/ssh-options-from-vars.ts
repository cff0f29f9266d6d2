// The SSH settings of a host beyond address, port, user and key file, read from the Ansible
// variables that carry them. Secrets are passed through but never quoted in an error message.
import { jumpHostsFromProxyCommand, parseProxyJump, parseSshArgs, SshArgsError } from '../ssh/parse-ssh-args.ts';
import { ShellWordsError, splitShellWords } from '../ssh/split-shell-words.ts';
import type { HostKeyChecking, JumpHost } from './host-target.ts';

/** Only what the variables set: a host without them keeps the plain HostTarget shape. */
export interface SshOptionsFromVars {
  password?: string;
  privateKey?: string;
  privateKeyPassphrase?: string;
  jumpHosts?: JumpHost[];
  hostKeyChecking?: HostKeyChecking;
}

/** Called with the variable at fault and what is wrong with it; must throw. */
export type InvalidVariable = (variable: string, message: string) => never;

// In Ansible's order of precedence: the first name set wins. For the password that is the
// reverse of the ssh plugin's list, whose last name set wins (checked with its get_option).
const PASSWORD_VARS = ['ansible_ssh_password', 'ansible_ssh_pass', 'ansible_password'];
const PRIVATE_KEY_VARS = ['ansible_ssh_private_key', 'ansible_private_key'];
const PASSPHRASE_VARS = ['ansible_ssh_private_key_passphrase', 'ansible_private_key_passphrase'];
const HOST_KEY_CHECKING_VARS = ['ansible_ssh_host_key_checking', 'ansible_host_key_checking'];
const ARGS_VARS = ['ansible_ssh_common_args', 'ansible_ssh_extra_args'];

export function sshOptionsFromVars(vars: Record<string, unknown>, invalid: InvalidVariable = throwPlain): SshOptionsFromVars {
  const password = readSecret(vars, PASSWORD_VARS, invalid);
  const privateKey = readSecret(vars, PRIVATE_KEY_VARS, invalid);
  const privateKeyPassphrase = readSecret(vars, PASSPHRASE_VARS, invalid);

  let proxyJump: { value: string; variable: string } | null = null;
  let proxyCommand: { value: string; variable: string } | null = null;
  let strict: { value: string; variable: string } | null = null;
  for (const variable of ARGS_VARS) {
    const raw = vars[variable];
    if (raw === undefined || raw === null || raw === '') continue;
    if (typeof raw !== 'string') invalid(variable, 'must be a string of ssh options');
    let args;
    try {
      args = parseSshArgs(splitShellWords(raw as string));
    } catch (err) {
      if (err instanceof SshArgsError || err instanceof ShellWordsError) invalid(variable, err.message);
      throw err;
    }
    // ssh takes the first value it is given; Ansible puts the common args before the extra ones.
    if (args.proxyJump !== null) proxyJump ??= { value: args.proxyJump, variable };
    if (args.proxyCommand !== null) proxyCommand ??= { value: args.proxyCommand, variable };
    if (args.strictHostKeyChecking !== null) strict ??= { value: args.strictHostKeyChecking, variable };
  }

  let jumpHosts: JumpHost[] = [];
  try {
    // ssh uses whichever of the two comes first; both at once is a mistake worth reporting.
    if (proxyJump && proxyCommand) invalid(proxyJump.variable, 'sets both ProxyJump and ProxyCommand; keep one');
    if (proxyJump) jumpHosts = parseProxyJump(proxyJump.value);
    else if (proxyCommand) jumpHosts = jumpHostsFromProxyCommand(splitShellWords(proxyCommand.value));
  } catch (err) {
    if (err instanceof SshArgsError || err instanceof ShellWordsError) invalid((proxyJump ?? proxyCommand)?.variable ?? ARGS_VARS[0] as string, err.message);
    throw err;
  }

  const checking = hostKeyChecking(vars, strict, invalid);
  const options: SshOptionsFromVars = {};
  if (password !== null) options.password = password;
  if (privateKey !== null) options.privateKey = privateKey;
  if (privateKeyPassphrase !== null) options.privateKeyPassphrase = privateKeyPassphrase;
  if (jumpHosts.length > 0) options.jumpHosts = jumpHosts;
  if (checking !== null) options.hostKeyChecking = checking;
  return options;
}

function hostKeyChecking(
  vars: Record<string, unknown>,
  strict: { value: string; variable: string } | null,
  invalid: InvalidVariable,
): HostKeyChecking | null {
  // Ansible turns host_key_checking=false into a StrictHostKeyChecking=no placed before the
  // inventory's own ssh args, so it wins over them.
  for (const variable of HOST_KEY_CHECKING_VARS) {
    const value = vars[variable];
    if (value === undefined || value === null) continue;
    const flag = readBoolean(value);
    if (flag === null) invalid(variable, `must be true or false, got ${JSON.stringify(value)}`);
    if (flag === false) return 'off';
    break;
  }
  if (strict === null) return null;
  switch (strict.value.toLowerCase()) {
    case 'yes':
    case 'true':
    // Nobody is there to answer the question, so "ask" refuses what it would have asked about.
    case 'ask':
      return 'strict';
    case 'accept-new':
      return 'accept-new';
    case 'no':
    case 'off':
    case 'false':
      return 'off';
    default:
      return invalid(strict.variable, `StrictHostKeyChecking=${strict.value} is not one of yes, accept-new, no, ask`);
  }
}

function readSecret(vars: Record<string, unknown>, names: string[], invalid: InvalidVariable): string | null {
  for (const name of names) {
    const value = vars[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'number') return String(value);
    // The message names the variable and the type, never the value.
    if (typeof value !== 'string') invalid(name, `must be a string, got a ${Array.isArray(value) ? 'list' : typeof value}`);
    return value as string;
  }
  return null;
}

function readBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value !== 'string') return null;
  const word = value.trim().toLowerCase();
  if (['true', 'yes', 'on', 'y', '1'].includes(word)) return true;
  if (['false', 'no', 'off', 'n', '0'].includes(word)) return false;
  return null;
}

function throwPlain(variable: string, message: string): never {
  throw new Error(`${variable} ${message}`);
}
