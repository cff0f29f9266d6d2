// What one simulated Linux host "is" between polls: its hardware, its counters and levels.
// Counters advance with the real time elapsed since the last poll, so rates computed from two
// polls are plausible (CPU ticks at USER_HZ per core, bytes at the host's own traffic rate);
// a reboot resets them, as a real kernel does.
import { between, hashSeed, integerBetween, pick, seededRandom } from './seeded-random.ts';
import type { Random } from './seeded-random.ts';
import type { InterfaceCounters } from '../collect/sample.ts';

/** The kernel's USER_HZ: /proc/stat counts CPU time in these ticks. */
export const USER_HZ = 100;
const PID_MAX = 4_194_304;

/** One CPU's /proc/stat counters, in ticks, kept fractional and printed floored. */
export interface SimulatedCpu {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** The counters /proc/net/dev prints, as the parser reads them, plus the traffic that drives them. */
export interface SimulatedInterface extends InterfaceCounters {
  /** The interface's typical traffic; each poll's actual rate varies around it. */
  rxBytesPerSec: number;
  txBytesPerSec: number;
}

export interface SimulatedFilesystem {
  device: string;
  mount: string;
  sizeKb: number;
  usedKb: number;
  /** Blocks kept for root (ext4's 5%): df's Available leaves them out. */
  reservedKb: number;
  growKbPerSec: number;
}

export interface SimulatedDisk {
  major: number;
  minor: number;
  name: string;
  reads: number;
  sectorsRead: number;
  readMs: number;
  writes: number;
  sectorsWritten: number;
  writeMs: number;
  ioMs: number;
  /** Typical I/O per second; each poll's actual rate varies around it. */
  readIops: number;
  writeIops: number;
}

export interface SimulatedProcess {
  pid: number;
  comm: string;
  /** argv, NUL-joined in /proc/<pid>/cmdline; empty for kernel threads. */
  argv: string[];
  /** Share of one CPU it uses. */
  cpuShare: number;
  utime: number;
  stime: number;
  startTicks: number;
  rssPages: number;
  threads: number;
}

export interface SimulatedGpu {
  uuid: string;
  name: string;
  memoryTotalMib: number;
  powerLimitW: number;
  utilization: number;
}

export interface SimulatedHostState {
  name: string;
  kernelRelease: string;
  architecture: string;
  osRelease: string;
  cpuVendor: string;
  cpuFamily: number;
  cpuModel: string;
  disks: SimulatedDisk[];
  processes: SimulatedProcess[];
  /** Cumulative stall time (µs) per resource, as in /proc/pressure/*. */
  pressureTotalsUs: { cpuSome: number; ioSome: number; ioFull: number; memorySome: number; memoryFull: number };
  /** /proc/stat's ctxt, intr (total) and processes (forks) since boot. */
  kernelCounters: { contextSwitches: number; interrupts: number; forks: number };
  hasSystemd: boolean;
  failedUnits: string[];
  gpus: SimulatedGpu[];
  random: Random;
  cpus: SimulatedCpu[];
  /** Share of CPU time busy lately, drifting between polls. */
  busy: number;
  uptimeSec: number;
  /** How far the host's clock is off, in seconds (its btime moves with it, as the kernel's does); absent: none. */
  clockOffsetSec?: number;
  /** Second field of /proc/uptime: idle seconds summed over CPUs. */
  idleSec: number;
  memTotalKb: number;
  memAvailableKb: number;
  swapTotalKb: number;
  swapFreeKb: number;
  load1: number;
  load5: number;
  load15: number;
  processCount: number;
  lastPid: number;
  interfaces: SimulatedInterface[];
  filesystems: SimulatedFilesystem[];
  /** Wall clock (ms) the counters were last advanced to. */
  advancedAtMs: number;
  boots: number;
}

const CORE_COUNTS = [1, 2, 2, 4, 4, 4, 8, 8, 8, 16, 16, 32, 64] as const;
const MEMORY_GIB = [1, 2, 4, 8, 16, 32, 64, 128, 256] as const;
const NIC_NAMES = [['eth0', 'eth1'], ['ens3', 'ens4'], ['enp1s0', 'enp2s0'], ['eno1', 'eno2']] as const;
/** Mounted filesystems, and the block devices /proc/diskstats lists for them ([major, minor, name]). */
const DISK_LAYOUTS = [
  {
    mounts: [['/dev/vda1', '/'], ['/dev/vdb', '/data']],
    disks: [[253, 0, 'vda'], [253, 1, 'vda1'], [253, 16, 'vdb']],
  },
  {
    mounts: [['/dev/sda2', '/'], ['/dev/sda1', '/boot'], ['/dev/sdb1', '/var/lib/postgresql']],
    disks: [[8, 0, 'sda'], [8, 1, 'sda1'], [8, 2, 'sda2'], [8, 16, 'sdb'], [8, 17, 'sdb1']],
  },
  {
    mounts: [['/dev/nvme0n1p2', '/'], ['/dev/nvme0n1p1', '/boot/efi'], ['/dev/nvme1n1', '/srv']],
    disks: [[259, 0, 'nvme0n1'], [259, 1, 'nvme0n1p1'], [259, 2, 'nvme0n1p2'], [259, 3, 'nvme1n1']],
  },
  {
    mounts: [['/dev/mapper/vg0-root', '/'], ['/dev/mapper/vg0-var', '/var'], ['/dev/mapper/vg0-home', '/home'], ['/dev/md0', '/backup']],
    disks: [[8, 0, 'sda'], [8, 1, 'sda1'], [8, 16, 'sdb'], [8, 32, 'sdc'], [9, 0, 'md0'], [253, 0, 'dm-0'], [253, 1, 'dm-1'], [253, 2, 'dm-2']],
  },
] as const;
const OS_RELEASES = [
  ['debian', '12', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-28-amd64'],
  ['ubuntu', '24.04', 'Ubuntu 24.04.3 LTS', '6.8.0-79-generic'],
  ['ubuntu', '22.04', 'Ubuntu 22.04.5 LTS', '5.15.0-143-generic'],
  ['rocky', '9.5', 'Rocky Linux 9.5 (Blue Onyx)', '5.14.0-503.14.1.el9_5.x86_64'],
  ['alpine', '3.20.3', 'Alpine Linux v3.20', '6.6.58-0-lts'],
] as const;
const CPU_MODELS = [
  ['GenuineIntel', 6, 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz'],
  ['GenuineIntel', 6, 'Intel(R) Xeon(R) Platinum 8480+'],
  ['AuthenticAMD', 25, 'AMD EPYC 7763 64-Core Processor'],
  ['AuthenticAMD', 23, 'AMD EPYC 7R32'],
] as const;
/** [comm, argv, share of one CPU, resident MiB]. */
const SERVICES = [
  ['postgres', ['postgres', '-D', '/var/lib/postgresql/16/main'], 0.3, 900],
  ['nginx', ['nginx: worker process'], 0.05, 40],
  ['java', ['/usr/bin/java', '-Xmx4g', '-jar', '/opt/app/app.jar'], 0.8, 4200],
  ['node', ['node', '/srv/api/server.js'], 0.25, 350],
  ['redis-server', ['/usr/bin/redis-server', '127.0.0.1:6379'], 0.1, 600],
  ['dockerd', ['/usr/bin/dockerd', '-H', 'fd://'], 0.02, 120],
  ['prometheus', ['/usr/bin/prometheus', '--config.file=/etc/prometheus/prometheus.yml'], 0.15, 1500],
  ['python3', ['python3', '/opt/jobs/worker.py', '--queue', 'default'], 0.4, 700],
] as const;
const BASE_PROCESSES = [
  ['systemd', ['/sbin/init'], 0.001, 12],
  ['systemd-journal', ['/lib/systemd/systemd-journald'], 0.002, 30],
  ['cron', ['/usr/sbin/cron', '-f'], 0, 3],
  ['sshd', ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'], 0.001, 8],
  ['kworker/0:1', [], 0.001, 0],
  ['rcu_sched', [], 0.0005, 0],
] as const;
const FAILED_UNITS = ['logrotate.service', 'apt-daily.service', 'nfs-mount.service', 'certbot.service'] as const;

/** A host as the seed makes it, up for a while (hours to a year) with counters to match. */
export function createHostState(name: string, seed: number, nowMs: number): SimulatedHostState {
  const random = seededRandom(hashSeed(name, seed));
  const cores = pick(random, CORE_COUNTS);
  const memTotalKb = pick(random, MEMORY_GIB) * 1024 * 1024 - integerBetween(random, 100_000, 300_000);
  const swapTotalKb = random() < 0.4 ? 0 : integerBetween(random, 1, 8) * 1024 * 1024;
  const nics = pick(random, NIC_NAMES);
  const nicCount = integerBetween(random, 1, nics.length);
  const interfaces: SimulatedInterface[] = [newInterface('lo', between(random, 1_000, 200_000))];
  for (let i = 0; i < nicCount; i++) {
    const nicName = nics[i];
    if (nicName !== undefined) interfaces.push(newInterface(nicName, between(random, 10_000, 50_000_000)));
  }
  if (random() < 0.3) {
    const bridged = between(random, 1_000, 1_000_000);
    interfaces.push(newInterface('docker0', bridged), newInterface(`veth${Math.floor(random() * 0xffffff).toString(16).padStart(6, '0')}`, bridged));
  }
  const layout = pick(random, DISK_LAYOUTS);
  const [osId, osVersion, osPretty, kernelRelease] = pick(random, OS_RELEASES);
  const [cpuVendor, cpuFamily, cpuModel] = pick(random, CPU_MODELS);
  const filesystems: SimulatedFilesystem[] = [
    newFilesystem(random, 'udev', '/dev', memTotalKb / 2, 0),
    newFilesystem(random, 'tmpfs', '/run', memTotalKb / 10, 0.02),
  ];
  for (const [device, mount] of layout.mounts) {
    const sizeKb = mount.startsWith('/boot') ? between(random, 0.5, 1) * 1024 * 1024 : between(random, 20, 4000) * 1024 * 1024;
    filesystems.push(newFilesystem(random, device, mount, sizeKb, between(random, 0.05, 0.85)));
  }
  filesystems.push(newFilesystem(random, 'tmpfs', '/dev/shm', memTotalKb / 2, 0.001));
  const disks = layout.disks.map(([major, minor, diskName]): SimulatedDisk => ({
    major, minor, name: diskName, reads: 0, sectorsRead: 0, readMs: 0, writes: 0, sectorsWritten: 0, writeMs: 0, ioMs: 0,
    readIops: between(random, 0.5, 300), writeIops: between(random, 1, 500),
  }));
  const processes: SimulatedProcess[] = [];
  const services = [...BASE_PROCESSES, ...SERVICES.filter(() => random() < 0.35)];
  let pid = 1;
  for (const [comm, argv, share, rssMib] of services) {
    processes.push({
      pid, comm, argv: [...argv], cpuShare: share * between(random, 0.5, 1.5), utime: 0, stime: 0, startTicks: 0,
      rssPages: Math.round((rssMib * 256) * between(random, 0.7, 1.3)), threads: argv.length === 0 ? 1 : integerBetween(random, 1, 40),
    });
    pid += integerBetween(random, 1, 1500);
  }
  const gpus: SimulatedGpu[] = [];
  if (random() < 0.05) {
    const [gpuName, memoryTotalMib, powerLimitW] = pick(random, [['NVIDIA H100 80GB HBM3', 81559, 700], ['NVIDIA A10G', 23028, 300], ['Tesla T4', 15360, 70]] as const);
    const count = pick(random, [1, 2, 4, 8]);
    for (let i = 0; i < count; i++) {
      const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
      gpus.push({ uuid: `GPU-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`, name: gpuName, memoryTotalMib, powerLimitW, utilization: random() });
    }
  }
  const hasSystemd = osId !== 'alpine';
  const state: SimulatedHostState = {
    name,
    kernelRelease,
    architecture: 'x86_64',
    osRelease: `PRETTY_NAME="${osPretty}"\nNAME="${osPretty.split(' ')[0] ?? osId}"\nVERSION_ID="${osVersion}"\nID=${osId}\n`,
    cpuVendor,
    cpuFamily,
    cpuModel,
    disks,
    processes,
    pressureTotalsUs: { cpuSome: 0, ioSome: 0, ioFull: 0, memorySome: 0, memoryFull: 0 },
    kernelCounters: { contextSwitches: 0, interrupts: 0, forks: 0 },
    hasSystemd,
    failedUnits: hasSystemd && random() < 0.1 ? [pick(random, FAILED_UNITS)] : [],
    gpus,
    random,
    cpus: Array.from({ length: cores }, () => ({ user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 })),
    busy: between(random, 0.02, 0.7),
    uptimeSec: 0,
    idleSec: 0,
    memTotalKb,
    memAvailableKb: memTotalKb * between(random, 0.2, 0.9),
    swapTotalKb,
    swapFreeKb: swapTotalKb * between(random, 0.7, 1),
    load1: 0,
    load5: 0,
    load15: 0,
    processCount: integerBetween(random, 120, 900),
    lastPid: integerBetween(random, 1000, 400_000),
    interfaces,
    filesystems,
    advancedAtMs: nowMs,
    boots: 0,
  };
  const settled = state.busy * cores;
  state.load1 = settled;
  state.load5 = settled;
  state.load15 = settled;
  accumulate(state, between(random, 3600, 365 * 86400));
  return state;
}

/** Brings the counters up to `nowMs`; a clock that went backwards changes nothing. */
export function advanceHostState(state: SimulatedHostState, nowMs: number): void {
  const elapsedSec = (nowMs - state.advancedAtMs) / 1000;
  state.advancedAtMs = Math.max(state.advancedAtMs, nowMs);
  if (elapsedSec <= 0) return;
  const random = state.random;
  // Drifts scale with the time passed, so that a host polled often does not look jittery.
  const drift = Math.min(1, elapsedSec / 10);
  state.busy = clamp(state.busy + (random() - 0.5) * 0.2 * drift, 0.01, 0.97);
  const range = state.memTotalKb;
  state.memAvailableKb = clamp(state.memAvailableKb + (random() - 0.5) * 0.04 * drift * range, 0.05 * range, 0.95 * range);
  if (state.swapTotalKb > 0) {
    state.swapFreeKb = clamp(state.swapFreeKb + (random() - 0.5) * 0.01 * drift * state.swapTotalKb, 0.3 * state.swapTotalKb, state.swapTotalKb);
  }
  state.processCount = Math.round(clamp(state.processCount + (random() - 0.5) * 20 * drift, 80, 4000));
  for (const gpu of state.gpus) gpu.utilization = clamp(gpu.utilization + (random() - 0.5) * 0.3 * drift, 0, 1);
  accumulate(state, elapsedSec);
}

/** The host restarted a few seconds ago: uptime and every counter start again from zero. */
export function rebootHostState(state: SimulatedHostState, nowMs: number): void {
  const random = state.random;
  for (const cpu of state.cpus) Object.assign(cpu, { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 });
  for (const iface of state.interfaces) {
    Object.assign(iface, { rxBytes: 0, rxPackets: 0, rxErrors: 0, rxDrops: 0, txBytes: 0, txPackets: 0, txErrors: 0, txDrops: 0 });
  }
  for (const disk of state.disks) Object.assign(disk, { reads: 0, sectorsRead: 0, readMs: 0, writes: 0, sectorsWritten: 0, writeMs: 0, ioMs: 0 });
  for (const proc of state.processes) Object.assign(proc, { utime: 0, stime: 0, startTicks: 0 });
  state.pressureTotalsUs = { cpuSome: 0, ioSome: 0, ioFull: 0, memorySome: 0, memoryFull: 0 };
  state.kernelCounters = { contextSwitches: 0, interrupts: 0, forks: 0 };
  state.uptimeSec = 0;
  state.idleSec = 0;
  state.memAvailableKb = state.memTotalKb * between(random, 0.85, 0.95);
  state.swapFreeKb = state.swapTotalKb;
  state.load1 = state.load5 = state.load15 = 0;
  state.lastPid = integerBetween(random, 300, 900);
  state.advancedAtMs = nowMs;
  state.boots++;
  accumulate(state, between(random, 3, 30));
}

function accumulate(state: SimulatedHostState, elapsedSec: number): void {
  const random = state.random;
  state.uptimeSec += elapsedSec;
  const ticks = elapsedSec * USER_HZ;
  let idleTicks = 0;
  for (const cpu of state.cpus) {
    const busy = ticks * clamp(state.busy * between(random, 0.6, 1.4), 0, 1);
    const free = ticks - busy;
    cpu.user += busy * 0.72;
    cpu.system += busy * 0.18;
    cpu.nice += busy * 0.02;
    cpu.irq += busy * 0.01;
    cpu.softirq += busy * 0.04;
    cpu.steal += busy * 0.03;
    cpu.iowait += free * 0.03;
    cpu.idle += free * 0.97;
    idleTicks += free * 0.97;
  }
  state.idleSec += idleTicks / USER_HZ;
  const running = state.busy * state.cpus.length * between(random, 0.8, 1.3);
  state.load1 = decayTowards(state.load1, running, elapsedSec, 60);
  state.load5 = decayTowards(state.load5, running, elapsedSec, 300);
  state.load15 = decayTowards(state.load15, running, elapsedSec, 900);
  const forks = Math.round(elapsedSec * between(random, 0, 5));
  state.lastPid += forks;
  // From what already moved, without drawing more random numbers: the rest of the host's course stays as it was.
  state.kernelCounters.forks += forks;
  state.kernelCounters.contextSwitches += elapsedSec * state.cpus.length * (1500 + 6000 * state.busy);
  state.kernelCounters.interrupts += elapsedSec * state.cpus.length * (800 + 2500 * state.busy);
  if (state.lastPid >= PID_MAX) state.lastPid = 300 + (state.lastPid % 1000);
  for (const iface of state.interfaces) {
    const rx = iface.rxBytesPerSec * elapsedSec * between(random, 0.5, 1.5);
    const tx = iface.txBytesPerSec * elapsedSec * between(random, 0.5, 1.5);
    iface.rxBytes += rx;
    iface.txBytes += tx;
    iface.rxPackets += rx / 800;
    iface.txPackets += tx / 600;
    if (iface.name !== 'lo' && random() < 0.01) iface.rxDrops += 1;
  }
  for (const disk of state.disks) {
    const reads = disk.readIops * elapsedSec * between(random, 0.3, 1.7);
    const writes = disk.writeIops * elapsedSec * between(random, 0.3, 1.7);
    disk.reads += reads;
    disk.writes += writes;
    disk.sectorsRead += reads * 64;
    disk.sectorsWritten += writes * 24;
    disk.readMs += reads * 0.4;
    disk.writeMs += writes * 0.9;
    disk.ioMs += Math.min(elapsedSec * 1000, (reads * 0.4 + writes * 0.9) * 0.7);
  }
  const cores = state.cpus.length;
  for (const proc of state.processes) {
    if (proc.startTicks === 0) proc.startTicks = Math.max(1, Math.floor((state.uptimeSec - elapsedSec) * USER_HZ) + 1);
    const used = Math.min(cores, proc.cpuShare) * elapsedSec * USER_HZ * between(random, 0.5, 1.5);
    proc.utime += used * 0.8;
    proc.stime += used * 0.2;
  }
  const stallUs = elapsedSec * 1e6;
  state.pressureTotalsUs.cpuSome += stallUs * Math.max(0, state.busy - 0.5) * 0.2;
  state.pressureTotalsUs.ioSome += stallUs * 0.01 * random();
  state.pressureTotalsUs.ioFull += stallUs * 0.005 * random();
  const memoryTight = Math.max(0, 0.15 - state.memAvailableKb / state.memTotalKb);
  state.pressureTotalsUs.memorySome += stallUs * memoryTight;
  state.pressureTotalsUs.memoryFull += stallUs * memoryTight * 0.5;
  for (const fs of state.filesystems) {
    fs.usedKb += fs.growKbPerSec * elapsedSec * between(random, 0, 2);
    // Someone cleans up before the disk fills: usage falls back, as after a log rotation.
    if (fs.usedKb > (fs.sizeKb - fs.reservedKb) * 0.97) fs.usedKb = fs.sizeKb * between(random, 0.3, 0.6);
  }
}

function newInterface(name: string, bytesPerSec: number): SimulatedInterface {
  return {
    name, rxBytes: 0, rxPackets: 0, rxErrors: 0, rxDrops: 0, txBytes: 0, txPackets: 0, txErrors: 0, txDrops: 0,
    rxBytesPerSec: bytesPerSec,
    txBytesPerSec: name === 'lo' ? bytesPerSec : bytesPerSec * 0.4,
  };
}

function newFilesystem(random: Random, device: string, mount: string, sizeKb: number, usedShare: number): SimulatedFilesystem {
  const size = Math.round(sizeKb);
  const real = device.startsWith('/dev/');
  return {
    device,
    mount,
    sizeKb: size,
    usedKb: size * usedShare,
    reservedKb: real ? Math.round(size * 0.05) : 0,
    // Roughly 0-50 GB a month on a real disk; memory filesystems barely move.
    growKbPerSec: real ? between(random, 0, 20) : between(random, 0, 0.01),
  };
}

function decayTowards(value: number, target: number, elapsedSec: number, periodSec: number): number {
  const keep = Math.exp(-elapsedSec / periodSec);
  return value * keep + target * (1 - keep);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
