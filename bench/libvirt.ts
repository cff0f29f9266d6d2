// The libvirt guests' benchmark (`node --import tsx bench/libvirt.ts`): listings per second and
// client CPU per listing of the worker's libvirt part (services/worker/libvirt-guests.ts:
// libvirtScript over the host's kept connection, its output parsed and mapped to child entries with
// rates), side by side with a bare loop in the same run: one persistent ssh2 connection per host that
// sends the same script as the worker does (/bin/sh, the script on stdin) and reads its output,
// nothing parsed. Both
// run the real virsh against libvirt's test driver (a node of three domains) on a real sshd, so
// virsh's own cost is in both. Figures are ratios against the bare loop of the same round: the
// machine is shared and absolute figures drift; which side runs first alternates by round. The load
// average is printed with each round. Options: --hosts (4), --seconds (8), --warmup-seconds (2), --rounds (3).
import { copyFile, chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ssh2 from 'ssh2';
import type { Client as SshClient } from 'ssh2';
import { libvirtScript } from '../lib/checks/libvirt-script.ts';
import type { HostTarget } from '../lib/poll/host-target.ts';
import type { PollSuccess } from '../lib/poll/poll-messages.ts';
import { HostKeyStore } from '../services/worker/host-key-store.ts';
import { createLibvirtGuestMemory, withLibvirtGuests } from '../services/worker/libvirt-guests.ts';
import { STDIN_PATH_COMMAND, stdinPathText } from '../services/worker/script-delivery.ts';
import { SshConnections } from '../services/worker/ssh-connections.ts';
import { startTestSshd } from '../test/support/sshd.ts';
import { treeTicks } from './proc-cpu.ts';
import type { TestSshd } from '../test/support/sshd.ts';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '8' },
    'warmup-seconds': { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
  },
});

interface Measured {
  side: 'bare' | 'vigil';
  listings: number;
  failures: number;
  seconds: number;
  cpuMs: number;
  /** sshd and all it started (the shells, virsh): what the hypervisor pays. */
  hostCpuMs: number;
}

/** One listing of one host; resolves false when it failed. */
type ListOnce = (host: number) => Promise<boolean>;

const hostCount = Number(values.hosts);
const measureMs = Number(values.seconds) * 1000;
const warmupMs = Number(values['warmup-seconds']) * 1000;
const rounds = Number(values.rounds);

const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-libvirt-'));
await chmod(dir, 0o755);
await copyFile(new URL('../test/fixtures/libvirt/test-node.xml', import.meta.url), join(dir, 'test-node.xml'));
await chmod(join(dir, 'test-node.xml'), 0o644);
const uri = `test://${join(dir, 'test-node.xml')}`;
const sshd = await startTestSshd({ maxSessions: 128 });
const sshdPid = Number((await readFile(join(sshd.dir, 'sshd.pid'), 'utf8')).trim());
try {
  const targets: HostTarget[] = Array.from({ length: hostCount }, (_, i) => ({
    name: `kvm${i + 1}`, connection: 'ssh', address: sshd.host, port: sshd.port, user: sshd.user, privateKeyFile: sshd.clientKeyFile,
    intervalSec: 10, groups: [], libvirt: { uri },
  }));
  log(`${hostCount} hosts (one sshd), each listed in turn by its own loop; ${warmupMs / 1000} s warm-up, ${measureMs / 1000} s per run, ${rounds} rounds; ${uri}`);
  const rows: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const loadBefore = loadavg().map((value) => value.toFixed(2)).join(' ');
    // Which side goes first alternates, so that a drifting load does not favour one.
    let bare: Measured;
    let vigil: Measured;
    if (round % 2 === 1) {
      bare = await measure('bare', await bareSide(sshd));
      vigil = await measure('vigil', await vigilSide(targets));
    } else {
      vigil = await measure('vigil', await vigilSide(targets));
      bare = await measure('bare', await bareSide(sshd));
    }
    const loadAfter = loadavg().map((value) => value.toFixed(2)).join(' ');
    for (const run of [bare, vigil]) {
      rows.push(`| ${round} | ${run.side} | ${rate(run).toFixed(1)} | ${cpuPerListing(run).toFixed(2)} | ${(run.hostCpuMs / Math.max(1, run.listings)).toFixed(1)} | ${run.failures} | `
        + `${(rate(run) / rate(bare)).toFixed(2)} | ${(cpuPerListing(run) / cpuPerListing(bare)).toFixed(2)} | ${loadBefore} → ${loadAfter} |`);
    }
    log(`round ${round}: bare ${rate(bare).toFixed(1)}/s, vigil ${rate(vigil).toFixed(1)}/s; load ${loadBefore} → ${loadAfter}`);
  }
  process.stdout.write([
    '| round | client | listings/s | client CPU ms/listing | host CPU ms/listing | failures | listings/s vs bare | client CPU/listing vs bare | load average (1, 5, 15 min) before → after |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n') + '\n');
} finally {
  await sshd.stop();
  await rm(dir, { recursive: true, force: true });
}

/** One loop per host, each listing its host again as soon as the last listing ended. */
async function measure(side: Measured['side'], sideOf: { list: ListOnce; close: () => void }): Promise<Measured> {
  let phase: 'warmup' | 'measuring' | 'done' = 'warmup';
  let listings = 0;
  let failures = 0;
  let cpuStart = process.cpuUsage();
  let wallStart = performance.now();
  const loops = Array.from({ length: hostCount }, async (_, host) => {
    while (phase !== 'done') {
      const ok = await sideOf.list(host);
      if (phase !== 'measuring') continue;
      listings++;
      if (!ok) failures++;
    }
  });
  await sleep(warmupMs);
  phase = 'measuring';
  // Two reads of /proc, not the sampling meter: its reads every 100 ms would be most of the client's CPU here.
  const hostTicksAtStart = await treeTicks([sshdPid]);
  cpuStart = process.cpuUsage();
  wallStart = performance.now();
  await sleep(measureMs);
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - wallStart) / 1000;
  const hostCpuMs = hostMsSince(hostTicksAtStart, await treeTicks([sshdPid]));
  phase = 'done';
  await Promise.all(loops);
  sideOf.close();
  return { side, listings, failures, seconds, cpuMs: (cpu.user + cpu.system) / 1000, hostCpuMs };
}

/** The worker's libvirt part alone: the host's own poll is a ready sample, so only listing the guests is measured. */
async function vigilSide(targets: HostTarget[]): Promise<{ list: ListOnce; close: () => void }> {
  const connections = new SshConnections({ connectTimeoutMs: 5000, hostKeys: new HostKeyStore({ mode: 'off', pinFile: null }) });
  const memories = targets.map(() => createLibvirtGuestMemory());
  let seq = 0;
  const list: ListOnce = async (host) => {
    const target = targets[host] as HostTarget;
    const runner = connections.runnerFor(target);
    const now = Date.now();
    const result: PollSuccess = { host: target.name, seq: ++seq, scheduledAt: now, startedAt: now, finishedAt: now, kind: 'sample', sample: hostSample(target.name, now) };
    const outcome = await withLibvirtGuests(runner, target, memories[host] as ReturnType<typeof createLibvirtGuestMemory>, () => Promise.resolve({ result }));
    return outcome.libvirtFailure === null && outcome.result.kind === 'sample' && (outcome.result.children?.length ?? 0) === 3;
  };
  return { list, close: () => connections.closeAll() };
}

/** One ssh2 connection per host, exec of the same command text the worker sends, output read whole. */
async function bareSide(server: TestSshd): Promise<{ list: ListOnce; close: () => void }> {
  const privateKey = await readFile(server.clientKeyFile, 'utf8');
  // What the worker sends for a script that is not the poll script: /bin/sh, the script on stdin.
  const input = Buffer.from(stdinPathText(libvirtScript(uri)), 'utf8');
  const clients: SshClient[] = await Promise.all(Array.from({ length: hostCount }, () => new Promise<SshClient>((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client)).once('error', reject)
      .connect({ host: server.host, port: server.port, username: server.user, privateKey });
  })));
  const list: ListOnce = (host) => new Promise((resolve) => {
    (clients[host] as SshClient).exec(STDIN_PATH_COMMAND, (error, stream) => {
      if (error) {
        resolve(false);
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk)).stderr.resume();
      stream.once('close', () => resolve(Buffer.concat(chunks).toString('utf8').includes('@@end')));
      stream.end(input);
    });
  });
  return { list, close: () => clients.forEach((client) => client.end()) };
}

function hostSample(host: string, ts: number): PollSuccess['sample'] {
  return {
    host, ts, cpuBusyPct: 5, cpuCount: 2, memTotalBytes: 1e9, memAvailableBytes: 5e8, memUsedPct: 50, swapTotalBytes: 0, swapUsedBytes: 0,
    load1: 0, load5: 0, load15: 0, uptimeSec: 1000, netRxBytesPerSec: 0, netTxBytesPerSec: 0, diskUsedPctMax: 10, filesystems: [], interfaces: [], missing: [],
  };
}

/**
 * The connections' sshd processes outlive the window and reap each listing's sh and virsh into
 * their own counters, so two reads suffice; a listing under way at either end counts in part.
 */
function hostMsSince(start: Map<number, number>, end: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, now] of end) ticks += now - (start.get(pid) ?? 0);
  // USER_HZ is 100 on Linux.
  return ticks * 10;
}

function rate(run: Measured): number {
  return run.listings / run.seconds;
}

function cpuPerListing(run: Measured): number {
  return run.cpuMs / Math.max(1, run.listings);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
