// Plain samples and poll results for tests that store or move them and don't care about their figures.
import type { Sample } from '../../lib/collect/sample.ts';
import type { PollSuccess } from '../../lib/poll/poll-messages.ts';

/** A sample with every headline figure set (nothing null) and no devices. */
export function testSample(host: string, ts: number, fields: Partial<Sample> = {}): Sample {
  return {
    host, ts, cpuBusyPct: 5, cpuCount: 2, memTotalBytes: 1000, memAvailableBytes: 500, memUsedPct: 50,
    swapTotalBytes: 0, swapUsedBytes: 0, load1: 0.1, load5: 0.2, load15: 0.3, uptimeSec: 100,
    netRxBytesPerSec: 1, netTxBytesPerSec: 2, diskUsedPctMax: 30, filesystems: [], interfaces: [], missing: [],
    ...fields,
  };
}

/** A successful poll that started `durationMs` before it finished, carrying testSample(host, finishedAt). */
export function testSuccess(host: string, seq: number, finishedAt: number, durationMs = 5): PollSuccess {
  const startedAt = finishedAt - durationMs;
  return { kind: 'sample', host, seq, scheduledAt: startedAt, startedAt, finishedAt, sample: testSample(host, finishedAt) };
}
