import type { CpuTimes, HostSnapshot, InterfaceCounters, InterfaceRate, Sample } from './sample.ts';
import { isPseudoFilesystem } from './is-pseudo-filesystem.ts';

const LOOPBACK = 'lo';

/**
 * One stored sample: levels from `current`, rates from counter deltas against `previous` (the
 * same host's last snapshot). A rate that cannot be trusted is null, never negative: no previous
 * snapshot, a reboot in between (uptime went down), a counter that went backwards (interface
 * re-created, 32-bit wrap) or no time elapsed on the host's clock.
 */
export function buildSample(host: string, ts: number, current: HostSnapshot, previous: HostSnapshot | undefined): Sample {
  const comparable = previous !== undefined && !rebootedBetween(previous, current) ? previous : undefined;
  const elapsedSec =
    comparable?.uptimeSec != null && current.uptimeSec !== null ? current.uptimeSec - comparable.uptimeSec : null;
  const interfaceRates = rateInterfaces(current.interfaces, comparable?.interfaces ?? null, elapsedSec);
  const memory = current.memory;
  const realFilesystems = (current.filesystems ?? []).filter((fs) => !isPseudoFilesystem(fs));
  return {
    host,
    ts,
    cpuBusyPct: cpuBusyPct(current.cpuTotal, comparable?.cpuTotal ?? null),
    cpuCount: current.cpuCount,
    memTotalBytes: memory?.totalBytes ?? null,
    memAvailableBytes: memory?.availableBytes ?? null,
    memUsedPct:
      memory !== null && memory.totalBytes > 0
        ? clampPct(((memory.totalBytes - memory.availableBytes) / memory.totalBytes) * 100)
        : null,
    swapTotalBytes: memory?.swapTotalBytes ?? null,
    swapUsedBytes: memory !== null ? Math.max(0, memory.swapTotalBytes - memory.swapFreeBytes) : null,
    load1: current.load?.load1 ?? null,
    load5: current.load?.load5 ?? null,
    load15: current.load?.load15 ?? null,
    uptimeSec: current.uptimeSec,
    netRxBytesPerSec: interfaceRates.rxTotal,
    netTxBytesPerSec: interfaceRates.txTotal,
    diskUsedPctMax: realFilesystems.length > 0 ? Math.max(...realFilesystems.map((fs) => fs.usedPct)) : null,
    filesystems: realFilesystems,
    interfaces: interfaceRates.rates,
    missing: [...current.missing],
  };
}

function rebootedBetween(previous: HostSnapshot, current: HostSnapshot): boolean {
  return previous.uptimeSec !== null && current.uptimeSec !== null && current.uptimeSec < previous.uptimeSec;
}

/**
 * Share of CPU time not idle since the previous poll. guest and guestNice are left out of the
 * total because the kernel already counts them inside user and nice; iowait counts as idle (the CPU
 * was free to run something else). The counters are ticks, so this needs no wall clock.
 */
function cpuBusyPct(current: CpuTimes | null, previous: CpuTimes | null): number | null {
  if (current === null || previous === null) return null;
  const deltaTotal = cpuTotalTicks(current) - cpuTotalTicks(previous);
  const deltaBusy = deltaTotal - (current.idle + current.iowait - (previous.idle + previous.iowait));
  if (!(deltaTotal > 0) || !(deltaBusy >= 0)) return null;
  // iowait may go backwards on a tickless kernel (proc(5)), which can push busy past the total.
  return clampPct((deltaBusy / deltaTotal) * 100);
}

function cpuTotalTicks(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

interface InterfaceRates {
  rates: InterfaceRate[];
  rxTotal: number | null;
  txTotal: number | null;
}

/**
 * Per-interface byte rates over the host's own elapsed uptime, so network latency between the
 * worker and the host does not skew them. An interface new since the last poll has no rate yet.
 * The totals leave out loopback and are null when any interface seen both times cannot be rated,
 * since a sum missing one interface would look like a real drop in traffic.
 */
function rateInterfaces(
  current: InterfaceCounters[] | null,
  previous: InterfaceCounters[] | null,
  elapsedSec: number | null,
): InterfaceRates {
  if (current === null || previous === null || elapsedSec === null || !(elapsedSec > 0)) {
    return { rates: [], rxTotal: null, txTotal: null };
  }
  const previousByName = new Map(previous.map((iface) => [iface.name, iface]));
  const rates: InterfaceRate[] = [];
  let rxTotal = 0;
  let txTotal = 0;
  let totalsValid = true;
  let rated = 0;
  for (const iface of current) {
    const before = previousByName.get(iface.name);
    if (before === undefined) continue;
    const rxDelta = iface.rxBytes - before.rxBytes;
    const txDelta = iface.txBytes - before.txBytes;
    const rxBytesPerSec = rxDelta / elapsedSec;
    const txBytesPerSec = txDelta / elapsedSec;
    const usable = rxDelta >= 0 && txDelta >= 0 && Number.isFinite(rxBytesPerSec) && Number.isFinite(txBytesPerSec);
    if (!usable) {
      if (iface.name !== LOOPBACK) totalsValid = false;
      continue;
    }
    rates.push({ name: iface.name, rxBytesPerSec, txBytesPerSec });
    if (iface.name !== LOOPBACK) {
      rxTotal += rxBytesPerSec;
      txTotal += txBytesPerSec;
      rated++;
    }
  }
  const totalsKnown = totalsValid && rated > 0;
  return { rates, rxTotal: totalsKnown ? rxTotal : null, txTotal: totalsKnown ? txTotal : null };
}

function clampPct(pct: number): number {
  return Math.min(100, Math.max(0, pct));
}
