import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollJob } from '../../../lib/poll/poll-messages.ts';
import { PollError } from '../../../services/worker/command-runner.ts';
import type { CommandRunner } from '../../../services/worker/command-runner.ts';
import { createLocalRunner } from '../../../services/worker/local-runner.ts';
import { pollHost } from '../../../services/worker/poll-host.ts';

const target: HostTarget = {
  name: 'here',
  connection: 'local',
  address: 'localhost',
  port: 22,
  user: 'root',
  privateKeyFile: null,
  intervalSec: 10,
  groups: [],
};

const job: PollJob = { target, seq: 7, scheduledAt: 1000, expiresAt: Date.now() + 60_000 };

void test('a local poll of this machine yields a plausible sample', async () => {
  const { result, snapshot } = await pollHost(createLocalRunner(), job, undefined);
  assert.equal(result.kind, 'sample', JSON.stringify(result));
  assert.ok(result.kind === 'sample' && snapshot);
  assert.equal(result.host, 'here');
  assert.equal(result.seq, 7);
  assert.equal(result.scheduledAt, 1000);
  assert.equal(result.sample.ts, result.finishedAt);
  const memTotalKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  assert.equal(result.sample.memTotalBytes, memTotalKb * 1024);
  assert.equal(result.sample.cpuBusyPct, null);
  assert.ok(result.sample.filesystems.length >= 1);
});

void test('output that is not the poll script\'s is output-unparseable, with the exit status and stderr', async () => {
  const { result, snapshot } = await pollHost(createLocalRunner(), job, undefined, {
    script: 'echo "This account is currently not available."; echo nope >&2; exit 1',
  });
  assert.equal(result.kind, 'failure');
  assert.ok(result.kind === 'failure');
  assert.equal(result.reason, 'output-unparseable');
  assert.match(result.message, /exit status 1/);
  assert.match(result.message, /stderr: nope/);
  assert.equal(snapshot, null);
});

void test('a runner timeout becomes a timeout-exec failure record', async () => {
  const { result } = await pollHost(createLocalRunner(), job, undefined, { script: 'sleep 5', execTimeoutMs: 300 });
  assert.ok(result.kind === 'failure');
  assert.equal(result.reason, 'timeout-exec');
});

void test('an unexpected exception from the runner is an error record, never a rejection', async () => {
  const runner: CommandRunner = {
    run: () => Promise.reject(new TypeError('boom')),
    close: () => {},
  };
  const { result } = await pollHost(runner, job, undefined);
  assert.ok(result.kind === 'failure');
  assert.equal(result.reason, 'error');
  assert.equal(result.message, 'boom');
});

void test('a classified PollError keeps its reason', async () => {
  const runner: CommandRunner = {
    run: () => Promise.reject(new PollError('dns', 'cannot resolve db7.example')),
    close: () => {},
  };
  const { result } = await pollHost(runner, job, undefined);
  assert.ok(result.kind === 'failure');
  assert.equal(result.reason, 'dns');
  assert.equal(result.message, 'cannot resolve db7.example');
});

void test('a host that is not Linux is an unsupported-os failure naming what it runs', async () => {
  const { result, snapshot } = await pollHost(createLocalRunner(), job, undefined, {
    script: "printf '@@vigil 2\\n@@os\\nFreeBSD\\n@@end\\n'",
  });
  assert.ok(result.kind === 'failure');
  assert.equal(result.reason, 'unsupported-os');
  assert.match(result.message, /here runs FreeBSD, not Linux/);
  assert.equal(snapshot, null);
});

void test('the host\'s process patterns and pseudo-filesystem choice reach the sample; the second poll has rates', async () => {
  const patterned: PollJob = {
    ...job,
    target: { ...target, processPatterns: [`^${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'no-such-process-\\d{9}'], includePseudoFilesystems: true },
  };
  const first = await pollHost(createLocalRunner(), patterned, undefined);
  assert.ok(first.result.kind === 'sample' && first.snapshot);
  assert.ok(first.result.sample.facts?.kernel, 'facts come with a host\'s first poll');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const second = await pollHost(createLocalRunner(), patterned, first.snapshot);
  assert.ok(second.result.kind === 'sample');
  const sample = second.result.sample;
  const [node, none] = sample.processes?.matches ?? [];
  assert.ok((node?.count ?? 0) >= 1, 'this test runner is a node process');
  assert.equal(none?.count, 0);
  assert.ok(sample.filesystems.some((fs) => fs.fsType === 'tmpfs' || fs.fsType === 'devtmpfs'));
  assert.ok(sample.cpuBusyPct !== null && sample.cpuBusyPct >= 0 && sample.cpuBusyPct <= 100);
  assert.equal(sample.perCoreBusyPct?.length, sample.cpuCount);
  assert.equal(sample.facts, null);
  assert.equal(sample.rebooted, false);
  assert.deepEqual(sample.missing, []);
});

void test('a light poll runs no df and carries the previous poll\'s filesystems, with their time, on to the next', async () => {
  const full = await pollHost(createLocalRunner(), job, undefined, { kind: 'full' });
  assert.ok(full.result.kind === 'sample' && full.snapshot);
  assert.equal(full.result.sample.filesystemsAt, full.result.finishedAt);
  assert.equal(full.snapshot.filesystemsAt, full.result.finishedAt);
  let previous = full.snapshot;
  for (let poll = 0; poll < 2; poll++) {
    const light = await pollHost(createLocalRunner(), job, previous, { kind: 'light', previousFull: full.snapshot });
    assert.ok(light.result.kind === 'sample' && light.snapshot);
    assert.equal(light.result.sample.pollScript, 'light');
    assert.deepEqual(light.result.sample.missing, []);
    assert.deepEqual(light.result.sample.filesystems, full.result.sample.filesystems);
    assert.equal(light.result.sample.diskUsedPctMax, full.result.sample.diskUsedPctMax);
    assert.equal(light.result.sample.filesystemsAt, full.result.finishedAt);
    previous = light.snapshot;
  }
  // Nothing to carry (no poll before it): no filesystems and no time, and no problem either.
  const alone = await pollHost(createLocalRunner(), job, undefined, { kind: 'light' });
  assert.ok(alone.result.kind === 'sample');
  assert.deepEqual(alone.result.sample.filesystems, []);
  assert.equal(alone.result.sample.filesystemsAt, null);
  assert.deepEqual(alone.result.sample.missing, []);
});
