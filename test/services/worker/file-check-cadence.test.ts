// File checks read a host's files at most once a minute (FILE_CHECK_EVERY_MS) and carry the last
// reading in between, aged by the worker's clock: driven through withHostChecks on the local runner
// (the real shell, date and stat of this machine, as for an `ansible_connection=local` host).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from '../../../lib/checks/check-result.ts';
import { parseCheckSpecs } from '../../../lib/checks/parse-check-specs.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollResult } from '../../../lib/poll/poll-messages.ts';
import { createLocalRunner } from '../../../services/worker/local-runner.ts';
import { FILE_CHECK_EVERY_MS, withHostChecks, type HostCheckMemory } from '../../../services/worker/run-host-checks.ts';

void test('a reading stands for a minute, aged by the clock (turning stale on time); then the files are read again', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-file-cadence-'));
  try {
    const mark = join(dir, 'backup-ok');
    await writeFile(mark, '');
    const now = Math.floor(Date.now() / 1000);
    await utimes(mark, now - 3570, now - 3570);
    const parsed = parseCheckSpecs('box', [{ file: mark, max_age: '1h' }]);
    assert.ok(parsed.ok);
    const target = { name: 'box', connection: 'local', address: '127.0.0.1', checks: parsed.specs } as unknown as HostTarget;
    const runner = createLocalRunner();
    const memory: HostCheckMemory = {};
    let clock = Date.now();
    const sample = { result: { kind: 'sample', host: 'box', seq: 1, sample: {} } as unknown as PollResult };
    const check = async (): Promise<CheckResult | undefined> => {
      const { result } = await withHostChecks(runner, target, async () => sample, { now: () => clock }, memory);
      return result.kind === 'sample' ? result.sample.checks?.[0] : undefined;
    };

    const first = await check();
    assert.equal(first?.ok, true, JSON.stringify(first));
    const firstAge = first?.ageSec ?? 0;
    assert.ok(firstAge >= 3570 && firstAge < 3580, `${firstAge}`);

    // Touched now, but not read again within the minute: the reading stands, 20 s older.
    await utimes(mark, now, now);
    clock += 20_000;
    const carried = await check();
    assert.deepEqual([carried?.ok, carried?.ageSec], [true, firstAge + 20]);
    // Past max_age (1 h) by the clock alone: stale, still without a look.
    clock += 15_000;
    const aged = await check();
    assert.deepEqual([aged?.ok, aged?.reason, aged?.ageSec], [false, 'stale', firstAge + 35]);

    // A minute after the reading: the files are read again, and the touch shows.
    clock += FILE_CHECK_EVERY_MS - 35_000;
    const fresh = await check();
    assert.equal(fresh?.ok, true);
    assert.ok((fresh?.ageSec ?? 99) < 60, JSON.stringify(fresh));

    // Another check list (a path added): read at once, not carried.
    const two = parseCheckSpecs('box', [{ file: mark, max_age: '1h' }, { file: join(dir, 'missing') }]);
    assert.ok(two.ok);
    (target as { checks: unknown }).checks = two.specs;
    const { result } = await withHostChecks(runner, target, async () => sample, { now: () => clock + 1000 }, memory);
    assert.deepEqual(result.kind === 'sample' ? result.sample.checks?.map((c) => c.reason ?? 'ok') : null, ['ok', 'not-found']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
