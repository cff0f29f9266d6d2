// The few ssh(1) command-line options Vigil honours from ansible_ssh_common_args and
// ansible_ssh_extra_args: where to hop through and how to check host keys. Everything else an
// inventory passes to ssh (ControlMaster, ciphers, …) means nothing to ssh2 and is ignored.
import type { JumpHost } from '../poll/host-target.ts';

export class SshArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshArgsError';
  }
}

export interface SshArgs {
  proxyJump: string | null;
  proxyCommand: string | null;
  strictHostKeyChecking: string | null;
}

/** Options of ssh(1) that take a value, so that value is not mistaken for the destination. */
const OPTIONS_WITH_VALUE = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));

/** Reads `-o Key=Value`, `-o Key Value`, `-oKey=Value` and `-J hops`; as in ssh, the first value wins. */
export function parseSshArgs(words: string[]): SshArgs {
  const found: SshArgs = { proxyJump: null, proxyCommand: null, strictHostKeyChecking: null };
  const set = (key: keyof SshArgs, value: string): void => {
    if (found[key] === null) found[key] = value;
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (!word.startsWith('-') || word.length < 2) continue;
    const flag = word[1] as string;
    if (!OPTIONS_WITH_VALUE.has(flag)) continue;
    let value = word.slice(2);
    if (value === '') {
      const next = words[i + 1];
      if (next === undefined) throw new SshArgsError(`${word} needs a value`);
      value = next;
      i++;
    }
    if (flag === 'J') set('proxyJump', value);
    if (flag !== 'o') continue;
    const match = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/s.exec(value);
    if (!match) throw new SshArgsError(`-o ${value}: expected Option=value`);
    const key = (match[1] as string).toLowerCase();
    const optionValue = (match[2] as string).trim();
    if (key === 'proxyjump') set('proxyJump', optionValue);
    else if (key === 'proxycommand') set('proxyCommand', optionValue);
    else if (key === 'stricthostkeychecking') set('strictHostKeyChecking', optionValue);
  }
  return found;
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma-separated, outermost first; `none` is none. */
export function parseProxyJump(value: string): JumpHost[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map((hop) => parseHop(hop.trim(), `ProxyJump ${value}`));
}

function parseHop(text: string, context: string): JumpHost {
  let rest = text.startsWith('ssh://') ? text.slice('ssh://'.length) : text;
  let user: string | null = null;
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let address = rest;
  let port = 22;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    address = bracketed[1] as string;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else {
    const colon = rest.lastIndexOf(':');
    // More than one colon and no brackets: a bare IPv6 address, no port.
    if (colon !== -1 && rest.indexOf(':') === colon) {
      address = rest.slice(0, colon);
      const portText = rest.slice(colon + 1);
      if (!/^\d+$/.test(portText)) throw new SshArgsError(`${context}: bad port in '${text}'`);
      port = Number(portText);
    }
  }
  if (address === '' || user === '') throw new SshArgsError(`${context}: '${text}' is not [user@]host[:port]`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SshArgsError(`${context}: port out of range in '${text}'`);
  return { address, port, user };
}

/**
 * The one ProxyCommand form that is a jump in disguise: `ssh [options] -W %h:%p [user@]bastion`,
 * which is what ProxyJump replaced. Any other command would need a local process per connection.
 */
export function jumpHostsFromProxyCommand(words: string[]): JumpHost[] {
  const command = words.join(' ');
  if (words.length === 1 && words[0]?.toLowerCase() === 'none') return [];
  const program = words[0] ?? '';
  if (program !== 'ssh' && !program.endsWith('/ssh')) {
    throw new SshArgsError(`ProxyCommand "${command}" is not supported: use ProxyJump, or ProxyCommand="ssh -W %h:%p [user@]bastion"`);
  }
  let forward: string | null = null;
  let user: string | null = null;
  let port: number | null = null;
  let destination: string | null = null;
  const args = words.slice(1);
  const inner: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    if (word.startsWith('-') && word.length >= 2) {
      const flag = word[1] as string;
      if (!OPTIONS_WITH_VALUE.has(flag)) continue;
      let value = word.slice(2);
      if (value === '') {
        value = args[i + 1] ?? '';
        i++;
      }
      if (flag === 'W') forward = value;
      else if (flag === 'l') user = value;
      else if (flag === 'p') port = Number(value);
      else if (flag === 'J' || flag === 'o') inner.push(`-${flag}`, value);
      continue;
    }
    if (destination === null) destination = word;
  }
  if (forward === null || !/^\[?%h\]?:%p$/.test(forward) || destination === null) {
    throw new SshArgsError(`ProxyCommand "${command}" is not supported: use ProxyJump, or ProxyCommand="ssh -W %h:%p [user@]bastion"`);
  }
  const hop = parseHop(destination, `ProxyCommand ${command}`);
  if (user !== null && !destination.includes('@')) hop.user = user;
  if (port !== null) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SshArgsError(`ProxyCommand "${command}": bad -p port`);
    hop.port = port;
  }
  // The bastion may itself be reached through another (-J inside the ProxyCommand).
  const before = parseSshArgs(inner).proxyJump;
  return [...(before === null ? [] : parseProxyJump(before)), hop];
}
