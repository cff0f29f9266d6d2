import type { Sample } from './sample.ts';

/** A sample that knows nothing yet: the base of the samples a source builds from what it does know (vSphere, libvirt). */
export function emptySample(host: string, ts: number): Sample {
  return {
    host, ts, cpuBusyPct: null, cpuCount: null, memTotalBytes: null, memAvailableBytes: null, memUsedPct: null,
    swapTotalBytes: null, swapUsedBytes: null, load1: null, load5: null, load15: null, uptimeSec: null,
    netRxBytesPerSec: null, netTxBytesPerSec: null, diskUsedPctMax: null, filesystems: [], interfaces: [], missing: [],
  };
}
