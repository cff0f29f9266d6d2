// govmomi's vCenter simulator (test/support/vcsim/main.go) for tests: built once per source
// into a cache dir, started on a free loopback port, stopped by stop(). Needs Debian's golang-go
// and golang-github-vmware-govmomi-dev; without them it fails loudly, naming the packages.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'vcsim', 'main.go');
const GOVMOMI = '/usr/share/gocode/src/github.com/vmware/govmomi';
const PACKAGES = 'apt-get install -y golang-go golang-github-vmware-govmomi-dev';
/** Where built simulators are kept, one directory per source hash. */
const CACHE_DIR = process.env['VIGIL_VCSIM_CACHE'] ?? join(tmpdir(), 'vigil-vcsim-cache');
// Another test file may be building the same source: its lock is stale only after this long.
const BUILD_LOCK_STALE_MS = 10 * 60_000;

export interface VcsimOptions {
  /** Serve https with the simulator's self-signed certificate; its PEM is then in caFile. */
  tls?: boolean;
  /** Give DC0_C0_RP0_VM0 a guest IP, two guest disks and CPU and memory usage (see main.go). */
  guestInfo?: boolean;
  /** The only user and password Login accepts (defaults: vigil / vigil-vcsim). */
  user?: string;
  password?: string;
}

export interface Vcsim {
  /** The SDK endpoint, e.g. http://127.0.0.1:41234/sdk. */
  url: string;
  port: number;
  user: string;
  password: string;
  /** The server certificate (PEM) when started with tls; null otherwise. */
  caFile: string | null;
  /** What the simulator wrote on stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/** The path of the simulator binary, building it first if this source has not been built yet. */
export async function buildVcsim(): Promise<string> {
  const key = await sourceKey();
  const dir = join(CACHE_DIR, key);
  const binary = join(dir, 'vcsim');
  if (await exists(binary)) return binary;
  await mkdir(CACHE_DIR, { recursive: true });
  const lock = join(CACHE_DIR, `${key}.lock`);
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await exists(binary)) return binary;
    if (await lockIsStale(lock)) await rm(lock, { recursive: true, force: true });
    else await new Promise((resolve) => setTimeout(resolve, 500));
  }
  try {
    if (await exists(binary)) return binary;
    const work = await mkdtemp(join(tmpdir(), 'vigil-vcsim-build-'));
    try {
      await cp(SOURCE, join(work, 'gopath', 'src', 'vigil-vcsim', 'main.go'));
      const built = join(work, 'vcsim');
      await run('go', ['build', '-o', built, '.'], {
        cwd: join(work, 'gopath', 'src', 'vigil-vcsim'),
        env: {
          ...process.env,
          // Debian ships govmomi as GOPATH source, not as a module.
          GO111MODULE: 'off',
          GOPATH: `${join(work, 'gopath')}:/usr/share/gocode`,
          GOCACHE: join(work, 'gocache'),
          GOFLAGS: '',
        },
        maxBuffer: 16 * 1024 * 1024,
      }).catch((error: Error & { stderr?: string }) => {
        throw new Error(`building the vCenter simulator failed: ${error.stderr ?? error.message}`);
      });
      await mkdir(dir, { recursive: true });
      // Atomic: a concurrent reader sees no binary or the whole one.
      await rename(built, binary);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    return binary;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

export async function startVcsim(options: VcsimOptions = {}): Promise<Vcsim> {
  const binary = await buildVcsim();
  const args = ['-user', options.user ?? 'vigil', '-password', options.password ?? 'vigil-vcsim'];
  if (options.tls) args.push('-tls');
  if (options.guestInfo) args.push('-guest-info');
  // The simulator keeps its datastore files under TMPDIR; give it its own, removed on stop.
  const tmp = await mkdtemp(join(tmpdir(), 'vigil-vcsim-'));
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });

  let ready: { url: string; username: string; password: string; caFile?: string };
  try {
    ready = await readReadyLine(child, () => stderr);
  } catch (error) {
    await terminate(child);
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const url = new URL(ready.url);
  let stopped = false;
  return {
    url: ready.url,
    port: Number(url.port),
    user: ready.username,
    password: ready.password,
    caFile: ready.caFile ?? null,
    log: () => stderr,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await terminate(child);
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** The simulator prints one JSON line once its listener is up: that line is the readiness signal. */
function readReadyLine(child: ChildProcess, stderr: () => string): Promise<{ url: string; username: string; password: string; caFile?: string }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const timer = setTimeout(() => {
      finish(new Error(`the vCenter simulator did not start within 60 s; stderr: ${stderr()}`));
    }, 60_000);
    const onExit = (code: number | null, signal: string | null): void => {
      finish(new Error(`the vCenter simulator exited (${code ?? signal}) before it was ready; stderr: ${stderr()}`));
    };
    const finish = (error: Error | null, value?: { url: string; username: string; password: string; caFile?: string }): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      if (error) reject(error);
      else resolve(value as { url: string; username: string; password: string; caFile?: string });
    };
    child.on('exit', onExit);
    child.on('error', (error) => finish(error));
    lines.once('line', (line) => {
      try {
        finish(null, JSON.parse(line) as { url: string; username: string; password: string; caFile?: string });
      } catch {
        finish(new Error(`the vCenter simulator printed ${JSON.stringify(line)} instead of its address`));
      }
    });
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killer);
}

/** A hash of everything the binary is made of: our source, the Go toolchain and govmomi's. */
async function sourceKey(): Promise<string> {
  try {
    await access(join(GOVMOMI, 'simulator', 'simulator.go'));
  } catch {
    throw new Error(`govmomi's simulator is not installed (${GOVMOMI}); run: ${PACKAGES}`);
  }
  const goVersion = await run('go', ['version']).then(
    (result) => result.stdout.trim(),
    () => {
      throw new Error(`the Go toolchain is not installed; run: ${PACKAGES}`);
    },
  );
  const hash = createHash('sha256');
  hash.update(await readFile(SOURCE));
  hash.update(goVersion);
  // Debian replaces these files when the package is upgraded.
  for (const file of ['simulator/simulator.go', 'simulator/model.go', 'vim25/types/types.go']) {
    hash.update(String((await stat(join(GOVMOMI, file))).mtimeMs));
  }
  return hash.digest('hex').slice(0, 16);
}

/** A lock whose builder has died (a test run killed mid-build), or that is older than any build. */
async function lockIsStale(lock: string): Promise<boolean> {
  const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
  }
  const age = Date.now() - (await stat(lock).then((s) => s.mtimeMs, () => Date.now()));
  return age > BUILD_LOCK_STALE_MS;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}
