// A real OpenSSH server on loopback for tests: its own host key, config and authorized key in a
// fresh temp dir. Runs as root (sshd needs it) and logs in as the unprivileged `vigiltest` user,
// whose shell is /bin/sh, so no heavy login rc file runs on every exec; or, with `loginShell`, as
// a user of that login shell (`vigiltest-bash`, …), since sshd runs every command through it.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TEST_SSH_USER = 'vigiltest';
const SSHD = '/usr/sbin/sshd';

/** The password of the test user once a sshd with passwordAuthentication has started. */
export const TEST_SSH_PASSWORD = 'vigil-test-password';

export interface TestSshdOptions {
  /** Also accept TEST_SSH_PASSWORD for the test user (which this sets). */
  passwordAuthentication?: boolean;
  /** Listen on this port instead of a free one. */
  port?: number;
  /** More public keys ("ssh-ed25519 AAAA…") to accept, e.g. another sshd's client key. */
  authorizedKeys?: string[];
  /** sshd's MaxSessions (default 64). */
  maxSessions?: number;
  /** sshd's LogLevel (default ERROR); INFO logs each accepted login, which log() then shows. */
  logLevel?: 'ERROR' | 'INFO' | 'VERBOSE';
  /** Log in as a user whose login shell is this one instead of /bin/sh (dash here). */
  loginShell?: TestLoginShell;
  /** sshd's SetEnv: variables sshd sets last, over its own (SHELL included). */
  setEnv?: Readonly<Record<string, string>>;
  /** sshd's ForceCommand, run instead of what the client asks (which it gets as SSH_ORIGINAL_COMMAND). */
  forceCommand?: string;
}

/** Login shells a test host can have: bash, busybox's ash (through a symlink named `ash`), and tcsh, a shell that is not POSIX. */
export type TestLoginShell = 'bash' | 'busybox-ash' | 'tcsh';

/** Where the symlinks that make busybox a login shell live: busybox picks its applet by argv[0], which sshd sets to the shell's file name. */
const TEST_SHELL_DIR = '/var/lib/vigiltest-shells';

export interface TestSshd {
  port: number;
  host: '127.0.0.1';
  user: string;
  /** Private key (OpenSSH format, no passphrase) that the server accepts for `user`. */
  clientKeyFile: string;
  /** The server's host public key, in authorized_keys format ("ssh-ed25519 AAAA..."). */
  hostPublicKey: string;
  /** Temp dir holding keys and config; removed by stop(). */
  dir: string;
  /** Restarts sshd on the same port with a newly generated host key. */
  rotateHostKey(): Promise<void>;
  /** Accepts one more public key from now on. */
  authorize(publicKey: string): Promise<void>;
  /** What sshd logged so far (see logLevel). */
  log(): string;
  stop(): Promise<void>;
}

export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  const user = options.loginShell ? `${TEST_SSH_USER}-${options.loginShell}` : TEST_SSH_USER;
  await ensureTestUser(user, options.loginShell ? await loginShellPath(options.loginShell) : '/bin/sh');
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(tmpdir(), 'vigil-sshd-'));
  // sshd reads AuthorizedKeysFile as the logging-in user, so the dir must be traversable.
  await chmod(dir, 0o755);
  const clientKeyFile = await generateKey(dir, 'client_key');
  const authorizedKeys = join(dir, 'authorized_keys');
  const extraKeys = (options.authorizedKeys ?? []).map((k) => k.trim() + '\n').join('');
  await writeFile(authorizedKeys, (await readFile(clientKeyFile + '.pub', 'utf8')) + extraKeys, { mode: 0o644 });
  if (options.passwordAuthentication) {
    if (options.loginShell) throw new Error('passwordAuthentication is for the default test user only');
    await setTestUserPassword();
  }
  const hostKeyFile = join(dir, 'host_key');
  let hostPublicKey = await regenerateHostKey(hostKeyFile);
  const port = options.port ?? (await findFreePort());
  const config = join(dir, 'sshd_config');
  await writeFile(config, [
    `ListenAddress 127.0.0.1:${port}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `HostKey ${hostKeyFile}`,
    'UsePAM no',
    'StrictModes no',
    `AuthorizedKeysFile ${authorizedKeys}`,
    `PasswordAuthentication ${options.passwordAuthentication ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    `AllowUsers ${user}`,
    `LogLevel ${options.logLevel ?? 'ERROR'}`,
    'AllowTcpForwarding yes',
    // Tests and benchmarks open many connections at once; the default drops some after 10.
    'MaxStartups 200',
    `MaxSessions ${options.maxSessions ?? 64}`,
    'PrintMotd no',
    'PrintLastLog no',
    ...Object.entries(options.setEnv ?? {}).map(([name, value]) => `SetEnv ${name}=${value}`),
    ...(options.forceCommand === undefined ? [] : [`ForceCommand ${options.forceCommand}`]),
    '',
  ].join('\n'));

  let server = await launch(config, port);
  let stopped = false;
  let previousLogs = '';
  return {
    port,
    host: '127.0.0.1',
    user,
    clientKeyFile,
    get hostPublicKey() {
      return hostPublicKey;
    },
    dir,
    authorize: async (publicKey) => {
      await appendFile(authorizedKeys, publicKey.trim() + '\n');
    },
    log: () => previousLogs + server.stderr(),
    rotateHostKey: async () => {
      await terminate(server);
      previousLogs += server.stderr();
      hostPublicKey = await regenerateHostKey(hostKeyFile);
      server = await launch(config, port);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await terminate(server);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A new key pair encrypted with `passphrase`; returns the private key file (public key in `.pub`). */
export async function createEncryptedKey(dir: string, passphrase: string): Promise<string> {
  const file = join(dir, `encrypted_key_${process.pid}_${Date.now()}`);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'vigil-test', '-f', file]);
  return file;
}

/** A valid private key that no test sshd accepts, for wrong-key tests. Written into `dir`. */
export async function createUnrelatedKey(dir: string): Promise<string> {
  return generateKey(dir, `unrelated_key_${process.pid}_${Date.now()}`);
}

async function generateKey(dir: string, name: string): Promise<string> {
  const file = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vigil-test', '-f', file]);
  return file;
}

async function regenerateHostKey(file: string): Promise<string> {
  await rm(file, { force: true });
  await rm(file + '.pub', { force: true });
  await generateKey(file.slice(0, file.lastIndexOf('/')), file.slice(file.lastIndexOf('/') + 1));
  return (await readFile(file + '.pub', 'utf8')).trim();
}

interface RunningSshd {
  child: ChildProcess;
  exited: Promise<void>;
  stderr: () => string;
}

async function launch(config: string, port: number): Promise<RunningSshd> {
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  let hasExited = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      hasExited = true;
      resolve();
    });
    child.once('error', (err) => {
      hasExited = true;
      stderr += `\nspawn failed: ${err.message}`;
      resolve();
    });
  });
  const running: RunningSshd = { child, exited, stderr: () => stderr };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (hasExited) throw new Error(`test sshd exited at startup (port ${port}): ${stderr.trim()}`);
    if (await readsSshBanner(port)) return running;
    if (Date.now() > deadline) {
      await terminate(running);
      throw new Error(`test sshd did not answer on 127.0.0.1:${port} within 15 s: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function terminate(server: RunningSshd): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const killTimer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await server.exited;
  clearTimeout(killTimer);
}

/** True once something on the port sends an SSH identification string. */
function readsSshBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 2000);
    sock.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (data.includes('SSH-2.0-')) done(true);
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
  });
}

/**
 * A loopback port that refuses connections and stays refusing while other test files run at
 * once. A port from findFreePort() is free only for a moment: it comes from the kernel's
 * ephemeral range, from which the next test's sshd or server may get the very same port. This
 * one lies below that range (32768 and up here), where nothing in the tests binds.
 */
export async function findRefusedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await refusesConnections(port)) return port;
  }
  throw new Error('found no refused loopback port between 20000 and 32000 in 50 tries');
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The login shell's path; busybox's ash gets a symlink named `ash` (made once, shared by every test). */
async function loginShellPath(shell: TestLoginShell): Promise<string> {
  switch (shell) {
    case 'bash':
      return '/bin/bash';
    case 'tcsh':
      return '/usr/bin/tcsh';
    case 'busybox-ash': {
      const { stdout } = await run('sh', ['-c', 'command -v busybox']);
      const busybox = stdout.trim();
      if (!busybox) throw new Error('busybox is not installed (apt-get install -y busybox)');
      await mkdir(TEST_SHELL_DIR, { recursive: true, mode: 0o755 });
      const link = join(TEST_SHELL_DIR, 'ash');
      await symlink(busybox, link).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      return link;
    }
  }
}

/**
 * Creates the login user if needed, with `shell` as its login shell. Several test files may race
 * here: useradd takes a lock on /etc/passwd and fails if it is held or the user appeared
 * meanwhile, so retry until it exists.
 */
async function ensureTestUser(user: string, shell: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const entry = await passwdEntry(user);
    try {
      if (entry === undefined) {
        await run('useradd', ['--system', '--create-home', '--home-dir', `/var/lib/${user}`, '--shell', shell, user]);
        continue;
      }
      if (entry.split(':')[6] !== shell) {
        await run('usermod', ['-s', shell, user]);
        continue;
      }
      // Without PAM, sshd refuses an account whose password is locked ("!"), which is how useradd
      // leaves it; "*" means "no password" without "locked", so key logins work.
      if (await passwordLocked(user)) {
        await run('usermod', ['-p', '*', user]);
        continue;
      }
      return;
    } catch (err) {
      if (attempt >= 20) throw new Error(`cannot set up test user ${user}: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
}

async function passwdEntry(user: string): Promise<string | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  return passwd.split('\n').find((line) => line.startsWith(user + ':'));
}

async function passwordLocked(user: string): Promise<boolean> {
  const shadow = await readFile('/etc/shadow', 'utf8');
  const line = shadow.split('\n').find((l) => l.startsWith(user + ':'));
  return line === undefined || line.split(':')[1]?.startsWith('!') === true;
}

/** Gives the test user TEST_SSH_PASSWORD (retrying like ensureTestUser: other files may hold the lock). */
async function setTestUserPassword(): Promise<void> {
  const { stdout } = await run('openssl', ['passwd', '-6', '-salt', 'vigiltestsalt', TEST_SSH_PASSWORD]);
  const hash = stdout.trim();
  for (let attempt = 0; ; attempt++) {
    const shadow = await readFile('/etc/shadow', 'utf8');
    if (shadow.split('\n').some((l) => l.startsWith(`${TEST_SSH_USER}:${hash}:`))) return;
    try {
      await run('usermod', ['-p', hash, TEST_SSH_USER]);
    } catch (err) {
      if (attempt >= 20) throw new Error(`cannot set the password of ${TEST_SSH_USER}: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
}
