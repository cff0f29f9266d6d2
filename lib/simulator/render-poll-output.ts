// The simulated host's answer to a poll script: the same `@@section` stream POLL_SCRIPT (full) or
// POLL_SCRIPT_LIGHT prints on a real Linux host, generated from the host's state instead of read
// from /proc. The sections, their order and the files each script copies are read off the script itself, and
// each has its generator here, keyed by name (sections) or path (files): when the script gains a
// section or a file, its generator slots in; until then that part is absent from the output, as
// an unreadable file is on a real host (and the simulator's tests, which demand that nothing is
// missing, say so).
import { OPERSTATE_FILES, POLL_SCRIPT, POLL_SCRIPT_VERSION, POLL_SCRIPTS } from '../collect/poll-script.ts';
import type { PollScriptKind } from '../collect/poll-script.ts';
import type { SimulatedCpu, SimulatedHostState, SimulatedProcess } from './simulated-host-state.ts';

/** The section's text without its `@@name` line, each line ending in a newline; null: the script prints no such section on this host. */
export type SectionGenerator = (state: SimulatedHostState) => string | null;
/** A file's content as `cat` shows it; null: the file does not exist on this host. */
export type FileGenerator = (state: SimulatedHostState) => string | null;

export const FILE_GENERATORS: Readonly<Record<string, FileGenerator>> = {
  '/proc/uptime': (s) => `${s.uptimeSec.toFixed(2)} ${s.idleSec.toFixed(2)}\n`,
  '/proc/stat': renderStat,
  '/proc/meminfo': renderMeminfo,
  '/proc/net/dev': renderNetDev,
  '/proc/diskstats': renderDiskstats,
  '/proc/loadavg': renderLoadavg,
  '/proc/pressure/cpu': (s) => renderPressure(s.pressureTotalsUs.cpuSome, 0, s.uptimeSec),
  '/proc/pressure/io': (s) => renderPressure(s.pressureTotalsUs.ioSome, s.pressureTotalsUs.ioFull, s.uptimeSec),
  '/proc/pressure/memory': (s) => renderPressure(s.pressureTotalsUs.memorySome, s.pressureTotalsUs.memoryFull, s.uptimeSec),
  '/proc/sys/kernel/hostname': (s) => `${s.name}\n`,
  '/proc/sys/kernel/osrelease': (s) => `${s.kernelRelease}\n`,
  '/proc/sys/kernel/arch': (s) => `${s.architecture}\n`,
  '/etc/os-release': (s) => s.osRelease,
};

export const SECTION_GENERATORS: Readonly<Record<string, SectionGenerator>> = {
  // Version 1 of the script: one section per file; stat and meminfo until version 4.
  uptime: (s) => FILE_GENERATORS['/proc/uptime']?.(s) ?? '',
  netdev: renderNetDev,
  loadavg: renderLoadavg,
  stat: renderStat,
  meminfo: renderMeminfo,
  df: renderDf,
  // Version 2: the files come through one `head`, the processes with them.
  shell: (s) => `${s.lastPid}\n`,
  cpuinfo: (s) => `vendor_id\t: ${s.cpuVendor}\ncpu family\t: ${s.cpuFamily}\nmodel name\t: ${s.cpuModel}\n`,
  virtualnet: (s) => s.interfaces.filter((i) => isVirtual(i.name)).map((i) => `${i.name}\n`).sort().join(''),
  files: (s) => renderFiles(s, 'full'),
  gpu: renderGpus,
  units: (s) => (s.hasSystemd ? s.failedUnits.map((u) => `${u} loaded failed failed ${u.replace(/\.service$/, '')}\n`).join('') : null),
};

interface ScriptShape {
  sections: string[];
  headFiles: string[];
  /** Whether its `head` copies every interface's operstate. */
  operStates: boolean;
  /** Whether its `head` copies every process's stat and cmdline. */
  processes: boolean;
}

const SHAPES: Record<PollScriptKind, ScriptShape> = { full: shapeOf(POLL_SCRIPTS.full), light: shapeOf(POLL_SCRIPTS.light) };
const GNU_DF = POLL_SCRIPT.includes('--output=');

/** The output of one poll of the given script (the worker's choice), in the order it prints its sections. */
export function renderPollOutput(state: SimulatedHostState, kind: PollScriptKind = 'full'): string {
  let out = `@@vigil ${POLL_SCRIPT_VERSION} ${kind}\n`;
  for (const section of SHAPES[kind].sections) {
    const text = section === 'files' ? renderFiles(state, kind) : SECTION_GENERATORS[section]?.(state);
    if (text === undefined || text === null) continue;
    out += `@@${section}\n${text}`;
  }
  return out + '@@end\n';
}

/**
 * Every `@@name` the script prints, in order, but the envelope and the non-Linux branch; the
 * fixed paths of its `head -c N file...` line, in order (all known files if it has none).
 */
function shapeOf(script: string): ScriptShape {
  const names = [...script.matchAll(/@@([a-z]+)/g)].map((m) => m[1] as string);
  const line = /head -c \S+ ([^\n]*)/.exec(script)?.[1];
  return {
    sections: [...new Set(names)].filter((name) => !['vigil', 'end', 'os'].includes(name)),
    headFiles: line === undefined
      ? Object.keys(FILE_GENERATORS)
      : line.split(/\s+/).filter((word) => word.startsWith('/') && !word.includes('*') && !word.includes('[')),
    processes: line?.includes('/proc/[0-9]*/stat') ?? false,
    operStates: line?.includes(OPERSTATE_FILES) ?? false,
  };
}

/** What `head -c` prints for several files: a "==> path <==" header before each, a blank line between. */
function renderFiles(state: SimulatedHostState, kind: PollScriptKind): string {
  const shape = SHAPES[kind];
  const parts: string[] = [];
  for (const path of shape.headFiles) {
    const content = FILE_GENERATORS[path]?.(state);
    if (content !== undefined && content !== null) parts.push(`==> ${path} <==\n${content}`);
  }
  if (shape.operStates) {
    // Up unless a test says otherwise; loopback's is "unknown", as the kernel gives it.
    const byName = [...state.interfaces].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const iface of byName) parts.push(`==> /sys/class/net/${iface.name}/operstate <==\n${iface.operState ?? (iface.name === 'lo' ? 'unknown' : 'up')}\n`);
  }
  // The shell's glob sorts paths as strings: /proc/10/stat before /proc/2/stat.
  const byPath = shape.processes ? [...state.processes].sort((a, b) => (String(a.pid) < String(b.pid) ? -1 : 1)) : [];
  for (const proc of byPath) parts.push(`==> /proc/${proc.pid}/stat <==\n${renderProcStat(proc)}`);
  for (const proc of byPath) parts.push(`==> /proc/${proc.pid}/cmdline <==\n${proc.argv.map((a) => a + '\0').join('')}`);
  // The script's printf '\n' (full: '\n@@df') follows; the last cmdline has no newline of its own.
  return parts.join('\n') + '\n';
}

function renderProcStat(proc: SimulatedProcess): string {
  const kernelThread = proc.argv.length === 0;
  const vsizeBytes = kernelThread ? 0 : proc.rssPages * 4096 * 3;
  const ppid = proc.pid === 1 ? 0 : kernelThread ? 2 : 1;
  const fields = [
    proc.pid, `(${proc.comm})`, proc.cpuShare > 0.2 ? 'R' : 'S', ppid, proc.pid, proc.pid, 0, -1, kernelThread ? 2129984 : 4194560,
    1000, 0, 10, 0, Math.floor(proc.utime), Math.floor(proc.stime), 0, 0, 20, 0, proc.threads, 0, proc.startTicks,
    vsizeBytes, proc.rssPages, '18446744073709551615', 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ];
  return fields.join(' ') + '\n';
}

function renderNetDev(state: SimulatedHostState): string {
  let out =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
  for (const i of state.interfaces) {
    // The kernel's format: "%6s:%8llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu %8llu %7llu %4llu %4llu %4llu %5llu %7llu %10llu".
    out += `${i.name.padStart(6)}:${pad(i.rxBytes, 8)} ${pad(i.rxPackets, 7)} ${pad(i.rxErrors, 4)} ${pad(i.rxDrops, 4)}    0     0          0         0 `
      + `${pad(i.txBytes, 8)} ${pad(i.txPackets, 7)} ${pad(i.txErrors, 4)} ${pad(i.txDrops, 4)}    0     0       0          0\n`;
  }
  return out;
}

function renderDiskstats(state: SimulatedHostState): string {
  let out = '';
  for (const d of state.disks) {
    out += `${pad(d.major, 4)} ${pad(d.minor, 7)} ${d.name} ${pad(d.reads, 0)} 0 ${pad(d.sectorsRead, 0)} ${pad(d.readMs, 0)} `
      + `${pad(d.writes, 0)} 0 ${pad(d.sectorsWritten, 0)} ${pad(d.writeMs, 0)} 0 ${pad(d.ioMs, 0)} ${pad(d.readMs + d.writeMs, 0)} 0 0 0 0 0 0\n`;
  }
  return out;
}

function renderPressure(someUs: number, fullUs: number, uptimeSec: number): string {
  // The averages follow the lifetime share: close enough for a simulated host.
  const share = (us: number): string => (uptimeSec > 0 ? Math.min(100, (us / (uptimeSec * 1e6)) * 100) : 0).toFixed(2);
  const line = (kind: string, us: number): string => `${kind} avg10=${share(us)} avg60=${share(us)} avg300=${share(us)} total=${Math.floor(us)}\n`;
  return line('some', someUs) + line('full', fullUs);
}

function renderGpus(state: SimulatedHostState): string | null {
  if (state.gpus.length === 0) return null;
  return state.gpus.map((g, index) => {
    const utilization = Math.round(g.utilization * 100);
    const used = Math.round(g.memoryTotalMib * g.utilization * 0.9);
    const power = (g.powerLimitW * (0.1 + 0.85 * g.utilization)).toFixed(2);
    return `${index}, ${g.uuid}, ${g.name}, ${30 + Math.round(g.utilization * 45)}, ${utilization}, ${Math.round(utilization * 0.6)}, `
      + `${g.memoryTotalMib}, ${used}, ${g.memoryTotalMib - used}, ${power}, ${g.powerLimitW.toFixed(2)}\n`;
  }).join('');
}

function renderStat(state: SimulatedHostState): string {
  const total: SimulatedCpu = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
  let perCpu = '';
  state.cpus.forEach((cpu, index) => {
    const floored = floorCpu(cpu);
    for (const key of Object.keys(total) as (keyof SimulatedCpu)[]) total[key] += floored[key];
    perCpu += `cpu${index} ${cpuFields(floored)}\n`;
  });
  // The aggregate line is the sum of the per-CPU lines, as in the kernel, and has two spaces.
  const k = state.kernelCounters;
  // Tasks in D state: one now and then on a busy host.
  const blocked = state.busy > 0.6 ? 1 : 0;
  return `cpu  ${cpuFields(total)}\n${perCpu}intr ${Math.floor(k.interrupts)} 0 0 0 0\nctxt ${Math.floor(k.contextSwitches)}\n`
    + `btime ${Math.floor(state.advancedAtMs / 1000 + (state.clockOffsetSec ?? 0) - state.uptimeSec)}\nprocesses ${k.forks}\nprocs_running ${Math.max(1, Math.round(state.load1))}\n`
    + `procs_blocked ${blocked}\n`;
}

function floorCpu(cpu: SimulatedCpu): SimulatedCpu {
  return {
    user: Math.floor(cpu.user), nice: Math.floor(cpu.nice), system: Math.floor(cpu.system), idle: Math.floor(cpu.idle),
    iowait: Math.floor(cpu.iowait), irq: Math.floor(cpu.irq), softirq: Math.floor(cpu.softirq), steal: Math.floor(cpu.steal),
  };
}

function cpuFields(c: SimulatedCpu): string {
  return `${c.user} ${c.nice} ${c.system} ${c.idle} ${c.iowait} ${c.irq} ${c.softirq} ${c.steal} 0 0`;
}

function renderLoadavg(state: SimulatedHostState): string {
  const runnable = Math.max(1, Math.min(state.processCount, Math.round(state.load1)));
  return `${state.load1.toFixed(2)} ${state.load5.toFixed(2)} ${state.load15.toFixed(2)} ${runnable}/${state.processCount} ${state.lastPid}\n`;
}

function renderMeminfo(state: SimulatedHostState): string {
  const available = Math.floor(state.memAvailableKb);
  const cached = Math.floor(available * 0.45);
  const buffers = Math.floor(available * 0.03);
  const free = Math.max(0, available - cached - buffers + Math.floor(state.memTotalKb * 0.01));
  const used = state.memTotalKb - available;
  const swapUsed = state.swapTotalKb - Math.floor(state.swapFreeKb);
  const rows: [string, number][] = [
    ['MemTotal', state.memTotalKb],
    ['MemFree', free],
    ['MemAvailable', available],
    ['Buffers', buffers],
    ['Cached', cached],
    ['SwapCached', Math.floor(swapUsed * 0.05)],
    ['Active', Math.floor(used * 0.6 + cached * 0.4)],
    ['Inactive', Math.floor(used * 0.3 + cached * 0.6)],
    ['Active(anon)', Math.floor(used * 0.55)],
    ['Inactive(anon)', Math.floor(used * 0.25)],
    ['Active(file)', Math.floor(cached * 0.4)],
    ['Inactive(file)', Math.floor(cached * 0.6)],
    ['Unevictable', 0],
    ['Mlocked', 0],
    ['SwapTotal', state.swapTotalKb],
    ['SwapFree', Math.floor(state.swapFreeKb)],
  ];
  let out = '';
  for (const [key, kb] of rows) out += `${(key + ':').padEnd(16)}${pad(kb, 8)} kB\n`;
  return out;
}

/** GNU df's --output form when the script asks for it, else POSIX `df -Pk`. */
function renderDf(state: SimulatedHostState): string {
  let out = GNU_DF
    ? 'Filesystem              Type     1K-blocks     Used    Avail   Inodes  IUsed Mounted on\n'
    : 'Filesystem              1024-blocks     Used Available Capacity Mounted on\n';
  for (const fs of state.filesystems) {
    const used = Math.floor(fs.usedKb);
    const available = Math.max(0, fs.sizeKb - fs.reservedKb - used);
    if (GNU_DF) {
      const type = fs.device.startsWith('/dev/') ? 'ext4' : fs.device === 'udev' ? 'devtmpfs' : 'tmpfs';
      const inodes = Math.floor(fs.sizeKb / 16);
      const inodesUsed = Math.floor(inodes * (used / Math.max(1, fs.sizeKb)) * 0.3);
      out += `${fs.device.padEnd(23)} ${type.padEnd(8)} ${pad(fs.sizeKb, 9)} ${pad(used, 8)} ${pad(available, 8)} ${pad(inodes, 8)} ${pad(inodesUsed, 6)} ${fs.mount}\n`;
    } else {
      // df rounds the percentage up.
      const capacity = used + available > 0 ? Math.ceil((used * 100) / (used + available)) : 0;
      out += `${fs.device.padEnd(23)} ${pad(fs.sizeKb, 11)} ${pad(used, 8)} ${pad(available, 9)} ${pad(capacity, 7)}% ${fs.mount}\n`;
    }
  }
  return out;
}

function isVirtual(name: string): boolean {
  return name === 'lo' || name.startsWith('docker') || name.startsWith('veth');
}

function pad(value: number, width: number): string {
  return String(Math.floor(value)).padStart(width);
}
