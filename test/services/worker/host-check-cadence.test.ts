// systemd and file checks read the host at most once a minute (SYSTEMD_CHECK_EVERY_MS,
// FILE_CHECK_EVERY_MS) and carry the last reading in between (a file's aged by the worker's clock),
// a failing reading only once a second look agrees: driven through withHostChecks on the local
// runner (the real shell, date and stat of this machine, as for an `ansible_connection=local`
// host; a systemctl of the test's own on PATH, this machine runs no systemd).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from '../../../lib/checks/check-result.ts';
import { parseCheckSpecs } from '../../../lib/checks/parse-check-specs.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollResult } from '../../../lib/poll/poll-messages.ts';
import { createLocalRunner } from '../../../services/worker/local-runner.ts';
import { FILE_CHECK_EVERY_MS, SYSTEMD_CHECK_EVERY_MS, withHostChecks, type HostCheckMemory } from '../../../services/worker/run-host-checks.ts';

/**
 * A local host with `checks`, polled through withHostChecks on one memory: `poll(stepMs)` moves the
 * clock on and returns the checks' results; `setChecks` changes its list as an inventory edit would.
 */
function cadenceHost(checks: unknown[]): { poll: (stepMs: number) => Promise<CheckResult[]>; setChecks: (checks: unknown[]) => void} {
  const specsOf = (list: unknown[]) => {
    const parsed = parseCheckSpecs('box', list);
    assert.ok(parsed.ok);
    return parsed.specs;
  };
  const target = { name: 'box', connection: 'local', address: '127.0.0.1', checks: specsOf(checks) } as unknown as HostTarget;
  const runner = createLocalRunner();
  const memory: HostCheckMemory = {};
  let clock = Date.now();
  const sample = { result: { kind: 'sample', host: 'box', seq: 1, sample: {} } as unknown as PollResult };
  return {
    poll: async (stepMs) => {
      clock += stepMs;
      const { result } = await withHostChecks(runner, target, async () => sample, { now: () => clock }, memory);
      return result.kind === 'sample' ? (result.sample.checks ?? []) : [];
    },
    setChecks: (list) => {
      (target as { checks: unknown }).checks = specsOf(list);
    },
  };
}

void test('a reading stands for a minute, aged by the clock (turning stale on time); then the files are read again', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-file-cadence-'));
  try {
    const mark = join(dir, 'backup-ok');
    await writeFile(mark, '');
    const now = Math.floor(Date.now() / 1000);
    await utimes(mark, now - 3570, now - 3570);
    const host = cadenceHost([{ file: mark, max_age: '1h' }]);
    let step = 0;
    const check = async (): Promise<CheckResult | undefined> => {
      const results = await host.poll(step);
      step = 0;
      return results[0];
    };

    const first = await check();
    assert.equal(first?.ok, true, JSON.stringify(first));
    const firstAge = first?.ageSec ?? 0;
    assert.ok(firstAge >= 3570 && firstAge < 3580, `${firstAge}`);

    // Touched now, but not read again within the minute: the reading stands, 20 s older.
    await utimes(mark, now, now);
    step = 20_000;
    const carried = await check();
    assert.deepEqual([carried?.ok, carried?.ageSec], [true, firstAge + 20]);
    // Past max_age (1 h) by the clock alone: stale, still without a look.
    step = 15_000;
    const aged = await check();
    assert.deepEqual([aged?.ok, aged?.reason, aged?.ageSec], [false, 'stale', firstAge + 35]);

    // A minute after the reading: the files are read again, and the touch shows.
    step = FILE_CHECK_EVERY_MS - 35_000;
    const fresh = await check();
    assert.equal(fresh?.ok, true);
    assert.ok((fresh?.ageSec ?? 99) < 60, JSON.stringify(fresh));

    // Another check list (a path added): read at once, not carried.
    host.setChecks([{ file: mark, max_age: '1h' }, { file: join(dir, 'missing') }]);
    assert.deepEqual((await host.poll(1000)).map((c) => c.reason ?? 'ok'), ['ok', 'not-found']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// Answers `show … -- UNIT…` with each unit's ActiveState from $UNITS_DIR/<unit>, and logs each call.
const STATEFUL_SYSTEMCTL = `#!/bin/sh
echo call >> "$UNITS_DIR/calls"
while [ "$#" -gt 0 ] && [ "$1" != -- ]; do shift; done
shift
for unit do printf 'Id=%s\\nLoadState=loaded\\nActiveState=%s\\nSubState=x\\n\\n' "$unit" "$(cat "$UNITS_DIR/$unit")"; done
`;

void test('systemd: a reading of all active stands for a minute; a unit found down is looked at again at the next poll, then stands', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-systemd-cadence-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'systemctl'), STATEFUL_SYSTEMCTL);
  await chmod(join(bin, 'systemctl'), 0o755);
  const path = process.env['PATH'];
  process.env['PATH'] = `${bin}:${path ?? ''}`;
  process.env['UNITS_DIR'] = dir;
  t.after(async () => {
    process.env['PATH'] = path;
    delete process.env['UNITS_DIR'];
    await rm(dir, { recursive: true, force: true });
  });
  const unit = async (state: string): Promise<void> => writeFile(join(dir, 'nginx.service'), `${state}\n`);
  const calls = async (): Promise<number> => (await readFile(join(dir, 'calls'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  const host = cadenceHost([{ systemd: 'nginx' }]);
  /** The check's state and the calls of systemctl so far, after a poll `stepMs` after the last. */
  const poll = async (stepMs: number): Promise<[string, number]> => {
    const check = (await host.poll(stepMs))[0];
    return [check?.ok === true ? 'ok' : (check?.reason ?? 'none'), await calls()];
  };

  await unit('active');
  assert.deepEqual(await poll(0), ['ok', 1]);
  assert.deepEqual(await poll(10_000), ['ok', 1], 'the reading stands');
  await unit('failed');
  assert.deepEqual(await poll(10_000), ['ok', 1], 'still within the minute: not seen yet');
  assert.deepEqual(await poll(SYSTEMD_CHECK_EVERY_MS - 20_000), ['failed', 2], 'a minute after the reading: read again');
  assert.deepEqual(await poll(10_000), ['failed', 3], 'a failing reading is looked at again');
  assert.deepEqual(await poll(10_000), ['failed', 3], 'two looks agree: it stands');
  await unit('active');
  assert.deepEqual(await poll(10_000), ['failed', 3]);
  assert.deepEqual(await poll(SYSTEMD_CHECK_EVERY_MS - 20_000), ['ok', 4], 'a minute after the second look');
  // A failure seen once and gone at the second look: that second reading stands.
  await unit('inactive');
  assert.deepEqual(await poll(SYSTEMD_CHECK_EVERY_MS), ['inactive', 5]);
  await unit('active');
  assert.deepEqual(await poll(10_000), ['ok', 6]);
  assert.deepEqual(await poll(10_000), ['ok', 6]);
  // Another list of checks is read at once.
  host.setChecks([{ systemd: 'nginx' }, { systemd: 'cron' }]);
  await writeFile(join(dir, 'cron.service'), 'active\n');
  assert.deepEqual(await poll(1_000), ['ok', 7]);
});
