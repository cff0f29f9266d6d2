// A HostSeries for the dashboard's unit tests: every column derived from the point's index.
import type { HostSeries } from '../../lib/db/queries/select-host-series.ts';

export function seriesFixture(ts: number[], options: { devices?: boolean; bucketSec?: number | null } = {}): HostSeries {
  const col = (f: (i: number) => number | null): (number | null)[] => ts.map((_t, i) => f(i));
  const devices = options.devices ?? true;
  return {
    host: 'web-1',
    from: new Date((ts[0] ?? 0) * 1000).toISOString(),
    to: new Date((ts[ts.length - 1] ?? 0) * 1000).toISOString(),
    resolution: 'raw',
    bucketSec: options.bucketSec ?? null,
    ts: [...ts],
    cpuBusyPct: col((i) => 10 + i),
    cpuUserPct: col((i) => 5 + i),
    cpuNicePct: col(() => 0),
    cpuSystemPct: col(() => 3),
    cpuIowaitPct: col((i) => (i === 1 ? null : 1)),
    cpuIrqPct: col(() => 0),
    cpuSoftirqPct: col(() => 1),
    cpuStealPct: col(() => 0),
    memUsedPct: col(() => 50),
    swapUsedPct: col(() => 1),
    load1: col((i) => i),
    load5: col(() => 1),
    load15: col(() => 1),
    loadPerCore: col((i) => i / 2),
    netRxBytesPerSec: col((i) => 1000 * i),
    netTxBytesPerSec: col(() => 10),
    diskUsedPctMax: col(() => 70),
    diskReadBytesPerSec: col(() => 4096),
    diskWriteBytesPerSec: col(() => 8192),
    contextSwitchesPerSec: col((i) => 20_000 + 100 * i),
    interruptsPerSec: col(() => 9000),
    forksPerSec: col((i) => (i === 1 ? null : 3.5)),
    processesBlocked: col(() => 0),
    filesystems: devices ? [{ name: '/', usedPct: col(() => 70) }] : [],
    interfaces: devices ? [{ name: 'eth0', rxBytesPerSec: col((i) => 1000 * i), txBytesPerSec: col(() => 10) }] : [],
    disks: devices ? [{ name: 'sda', readBytesPerSec: col(() => 4096), writeBytesPerSec: col(() => 8192), busyPct: col(() => 12), readLatencyMs: col(() => 0.5), writeLatencyMs: col(() => 1.25) }] : [],
    gpus: [],
  };
}
