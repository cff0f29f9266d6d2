// The credentials offered to a host, in order: the inventory's key (file or inline, with its
// passphrase), its password, then the ssh-agent and the user's default keys, as ssh would.
// Error messages name files and variables, never a secret.
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import ssh2 from '../../lib/ssh/ssh2.ts';
import type { AnyAuthMethod } from 'ssh2';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import { PollError } from './command-runner.ts';

const { utils } = ssh2;

const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export interface AuthMethods {
  methods: AnyAuthMethod[];
  /** For error messages: which credentials were offered (never their values). */
  description: string;
}

/** What the host itself is offered. */
export async function targetAuthMethods(target: HostTarget, label: string): Promise<AuthMethods> {
  const username = target.user;
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const explicit = await explicitKey(target, label);
  if (explicit) {
    methods.push({ type: 'publickey', username, key: explicit.key, passphrase: explicit.passphrase });
    tried.push(explicit.description);
  }
  if (target.password) {
    methods.push({ type: 'password', username, password: target.password });
    tried.push('password');
  }
  // With a key or password named in the inventory, the agent is a fallback; the default key
  // files are not tried, as ssh does not try them when given -i.
  await addAmbientMethods(methods, tried, username, explicit === null && !target.password);
  if (methods.length === 0) {
    throw new PollError('auth-failed',
      `no SSH credentials for ${label}: no private key or password in the inventory, no usable ~/.ssh/id_ed25519, id_ecdsa or id_rsa, and no SSH_AUTH_SOCK`);
  }
  return { methods, description: tried.join(', ') };
}

/**
 * What a bastion is offered: the host's key, the agent and the default keys, but never the
 * host's password, which belongs to the host and must not be sent to another machine.
 */
export async function hopAuthMethods(target: HostTarget, username: string, label: string): Promise<AuthMethods> {
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const explicit = await explicitKey(target, label);
  if (explicit) {
    methods.push({ type: 'publickey', username, key: explicit.key, passphrase: explicit.passphrase });
    tried.push(explicit.description);
  }
  await addAmbientMethods(methods, tried, username, true);
  if (methods.length === 0) {
    throw new PollError('auth-failed', `no SSH credentials for ${label}: no private key in the inventory, no usable default key, and no SSH_AUTH_SOCK`);
  }
  return { methods, description: tried.join(', ') };
}

interface ExplicitKey {
  key: Buffer;
  passphrase: string | undefined;
  description: string;
}

async function explicitKey(target: HostTarget, label: string): Promise<ExplicitKey | null> {
  const passphrase = target.privateKeyPassphrase ?? undefined;
  let key: Buffer;
  let what: string;
  if (target.privateKey) {
    key = Buffer.from(target.privateKey.endsWith('\n') ? target.privateKey : target.privateKey + '\n');
    what = 'the private key in ansible_ssh_private_key';
  } else if (target.privateKeyFile !== null) {
    const file = target.privateKeyFile;
    what = `private key file ${file}`;
    try {
      key = await readFile(file);
    } catch (err) {
      throw new PollError('auth-failed', `cannot read ${what} for ${label}: ${(err as Error).message}`, { cause: err });
    }
  } else {
    return null;
  }
  const parsed = utils.parseKey(key, passphrase);
  if (parsed instanceof Error) {
    // ssh2's messages say "encrypted … no passphrase given" or "bad passphrase", never the passphrase.
    const hint = /passphrase/i.test(parsed.message)
      ? (passphrase === undefined ? ' (it is encrypted: set ansible_ssh_private_key_passphrase, or load it into ssh-agent)' : ' (wrong passphrase?)')
      : '';
    throw new PollError('auth-failed', `cannot use ${what} for ${label}: ${parsed.message}${hint}`, { cause: parsed });
  }
  return { key, passphrase, description: what.replace(/^the /, '') };
}

async function addAmbientMethods(methods: AnyAuthMethod[], tried: string[], username: string, withDefaultKeys: boolean): Promise<void> {
  const agent = process.env['SSH_AUTH_SOCK'];
  if (agent) {
    methods.push({ type: 'agent', username, agent });
    tried.push(`agent ${agent}`);
  }
  if (!withDefaultKeys) return;
  for (const name of DEFAULT_KEY_FILES) {
    const file = join(homedir(), '.ssh', name);
    const key = await readFile(file).catch(() => null);
    // An encrypted key needs a passphrase we do not have; the agent may hold it instead.
    if (key === null || utils.parseKey(key) instanceof Error) continue;
    methods.push({ type: 'publickey', username, key });
    tried.push(`key ${file}`);
  }
}

/** The user the worker runs as: ssh's default login name for a hop without `user@`. */
export function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? process.env['LOGNAME'] ?? 'root';
  }
}
