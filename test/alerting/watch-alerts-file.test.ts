// alerts.yml edited under a running evaluator (PGlite, in-process bus): a good edit changes the
// levels in force, a broken one keeps the last good rules and is reported as file:line.
import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import { loadAlertsFile } from '../../lib/alerting/alerts-file.ts';
import { watchAlertsFile } from '../../lib/alerting/watch-alerts-file.ts';
import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import { syncInventoryHosts } from '../../lib/db/queries/sync-inventory-hosts.ts';
import { createLogger } from '../../lib/log.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import { startEvaluator } from '../../services/evaluator/evaluator-service.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { sample, success } from './synthetic-sample.ts';

let testDb: TestDatabase;
let dir: string;

before(async () => {
  testDb = await createTestDatabase('pglite');
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-alerts-watch-'));
});

after(async () => {
  await testDb?.close();
  await rm(dir, { recursive: true, force: true });
});

function target(name: string): HostTarget {
  return { name, connection: 'ssh', address: `${name}.example`, port: 22, user: 'vigil', privateKeyFile: null, intervalSec: 10, groups: [] };
}

/** One threshold rule; `levels` is written as given, so a test can break it. */
function rulesYaml(levels: string, recoverAt: number): string {
  return [
    'rules:',
    '  - name: cpu_busy',
    '    kind: threshold',
    '    metric: cpuBusyPct',
    `    levels: ${levels}`,
    `    recover_at: ${recoverAt}`,
    '    summary: CPU busy',
    '',
  ].join('\n');
}

/** As editors and deploy tools save: a temp file renamed over the original. */
async function saveAtomically(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  await writeFile(temp, text);
  await rename(temp, file);
}

void test('an edit of the rules file takes effect in the running evaluator; a broken edit keeps the last good rules and says where', async () => {
  const file = path.join(dir, 'alerts.yml');
  await writeFile(file, rulesYaml('{ warning: 80 }', 75));
  await syncInventoryHosts(testDb.db, ['web1', 'web2', 'web3'].map(target));
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({}, { level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const logged = (msg: string): number => lines.filter((line) => line['msg'] === msg).length;

  const bus = new MemoryBus();
  const events: AlertEvent[] = [];
  const subscription = await bus.subscribe('alert.events', { name: 'test-alerter', durable: false, prefetch: 100 }, async (event) => {
    events.push(event);
  });
  const rules = await loadAlertsFile(file);
  const evaluator = await startEvaluator({ bus, db: testDb.db, log, config: rules, tickMs: 50 });
  const watcher = watchAlertsFile({ path: file, log, current: rules, onReload: (next) => evaluator.reloadRules(next) });
  const brief = (): string[] => events.map((e) => `${e.state} ${e.host} ${e.severity} ${e.threshold}`);
  try {
    const t0 = Date.now();
    await bus.publish('poll.results', success(sample('web1', t0, { cpuBusyPct: 85 })));
    await waitFor('web1 firing at 80', 5000, () => (events.length >= 1 ? true : undefined));
    assert.deepEqual(brief(), ['firing web1 warning 80']);

    await saveAtomically(file, rulesYaml('{ warning: 90 }', 88));
    await waitFor('the edited rules in force', 5000, () => (logged('alert rules reloaded') >= 1 ? true : undefined));
    await bus.publish('poll.results', success(sample('web1', t0 + 10_000, { cpuBusyPct: 85 })));
    await waitFor('web1 resolved under the new levels', 5000, () => (events.length >= 2 ? true : undefined));
    assert.deepEqual(brief(), ['firing web1 warning 80', 'resolved web1 warning 80']);

    // Line 5 holds the levels: a level that is not a number.
    await saveAtomically(file, rulesYaml('{ warning: lots }', 88));
    await waitFor('the broken edit reported', 5000, () => (logged('alert rules file has problems; keeping the last good rules') >= 1 ? true : undefined));
    const report = lines.find((line) => line['level'] === 'error');
    assert.equal(report?.['file'], file);
    const problems = report?.['problems'] as string[];
    assert.ok(problems.some((p) => p.startsWith(`${file}:5: `) && p.includes('levels.warning must be a number')), problems.join('\n'));
    assert.match(watcher.problem() ?? '', /alerts\.yml:5: /);
    assert.deepEqual(watcher.status(), { rulesFile: file, rulesProblem: watcher.problem() });
    assert.equal(watcher.current().rules[0]?.levels?.warning, 90, 'the last good rules stay in force');
    assert.equal(logged('alert rules reloaded'), 1, 'a broken file is not loaded');

    // 85 would fire under the defaults (80) but not under the last good rules (90); 92 fires under both.
    await bus.publish('poll.results', success(sample('web2', t0 + 20_000, { cpuBusyPct: 85 })));
    await bus.publish('poll.results', success(sample('web3', t0 + 20_000, { cpuBusyPct: 92 })));
    await waitFor('web3 firing', 5000, () => (events.length >= 3 ? true : undefined));
    assert.deepEqual(brief(), ['firing web1 warning 80', 'resolved web1 warning 80', 'firing web3 warning 90']);

    // Mended: its rules apply, and the report is cleared.
    await saveAtomically(file, rulesYaml('{ warning: 70 }', 65));
    await waitFor('the mended rules in force', 5000, () => (logged('alert rules reloaded') >= 2 ? true : undefined));
    assert.equal(watcher.problem(), null);
    assert.equal(logged('alert rules file is good again'), 1);
    await bus.publish('poll.results', success(sample('web2', t0 + 30_000, { cpuBusyPct: 85 })));
    await waitFor('web2 firing at 70', 5000, () => (events.length >= 4 ? true : undefined));
    assert.equal(brief()[3], 'firing web2 warning 70');
  } finally {
    await watcher.stop();
    await evaluator.stop();
    await subscription.close();
    await bus.close();
  }
});

void test('saving the same rules again, or a burst of saves, reloads at most once per change', async () => {
  const file = path.join(dir, 'burst.yml');
  await writeFile(file, rulesYaml('{ warning: 80 }', 75));
  const current = await loadAlertsFile(file);
  const reloads: number[] = [];
  const watcher = watchAlertsFile({
    path: file,
    log: createLogger({}, { write: () => {} }),
    current,
    onReload: (next) => reloads.push(next.rules[0]?.levels?.warning ?? -1),
  });
  try {
    await saveAtomically(file, rulesYaml('{ warning: 80 }', 75));
    for (let level = 81; level <= 85; level++) await writeFile(file, rulesYaml(`{ warning: ${level} }`, 75));
    await waitFor('the burst applied', 5000, () => (reloads.at(-1) === 85 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 600));
    await watcher.idle();
    assert.ok(reloads.length <= 2, `${reloads.length} reloads: ${reloads.join(', ')}`);
    assert.equal(reloads.at(-1), 85, 'the newest save wins');
    assert.ok(!reloads.includes(80), 'the unchanged save was not a reload');
  } finally {
    watcher.close();
  }
});
