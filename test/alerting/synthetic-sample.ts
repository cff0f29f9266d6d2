// Samples and poll results built for rule tests: only what a rule reads needs to be given.
import type { Sample } from '../../lib/collect/sample.ts';
import type { FailureReason, PollFailure, PollSuccess } from '../../lib/poll/poll-messages.ts';

export function sample(host: string, ts: number, fields: Partial<Sample> = {}): Sample {
  return {
    host, ts,
    cpuBusyPct: null, cpuCount: 2, memTotalBytes: null, memAvailableBytes: null, memUsedPct: null,
    swapTotalBytes: null, swapUsedBytes: null, load1: null, load5: null, load15: null, uptimeSec: null,
    netRxBytesPerSec: null, netTxBytesPerSec: null, diskUsedPctMax: null, filesystems: [], interfaces: [], missing: [],
    ...fields,
  };
}

export function filesystem(mount: string, usedPct: number, sizeBytes = 100e9): Sample['filesystems'][number] {
  const usedBytes = (sizeBytes * usedPct) / 100;
  return { mount, device: `/dev/${mount.replaceAll('/', '') || 'root'}`, sizeBytes, usedBytes, availableBytes: sizeBytes - usedBytes, usedPct };
}

export function success(s: Sample, seq = 0): PollSuccess {
  return { kind: 'sample', host: s.host, seq, scheduledAt: s.ts, startedAt: s.ts, finishedAt: s.ts, sample: s };
}

export function failure(host: string, ts: number, reason: FailureReason = 'timeout-connect', seq = 0): PollFailure {
  return { kind: 'failure', host, seq, scheduledAt: ts, startedAt: ts, finishedAt: ts, reason, message: reason };
}
