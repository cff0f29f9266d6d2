// Rules on filesystem figures over samples as the worker builds them since the light poll stopped
// running df (script version 5): light samples carry the last full poll's filesystems, so rules
// see them on every poll, and a light sample with none (nothing to carry) counts as no data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import type { AlertRule, AlertsConfig } from '../../lib/alerting/alerts-config.ts';
import { DEFAULT_ALERTS } from '../../lib/alerting/default-alerts.ts';
import { createFleetState, evaluateFleetTick, evaluatePollResult } from '../../lib/alerting/evaluate-poll-result.ts';
import type { HostSettings } from '../../lib/alerting/rule-state.ts';
import type { Sample } from '../../lib/collect/sample.ts';
import { simulatedSamples } from '../../lib/simulator/simulated-samples.ts';
import { success } from './synthetic-sample.ts';

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);
const HOST = 'disks';
const hosts = new Map<string, HostSettings>([[HOST, { name: HOST, intervalSec: 10, alerting: null, via: [] }]]);

function absentFilesystems(forMs: number): AlertRule {
  return { name: 'filesystems_absent', kind: 'absent', metric: 'filesystems.usedPct', forMs };
}

/** Every event of the rules over the samples, with the evaluator's timer ticking every second in between. */
function evaluate(rules: AlertRule[], samples: Sample[]): string[] {
  const config: AlertsConfig = { ...DEFAULT_ALERTS, rules };
  const fleet = createFleetState();
  const events: AlertEvent[] = [];
  for (const sample of samples) {
    events.push(...evaluatePollResult(fleet, success(sample), config, hosts, { downAfter: 3 }));
    for (let tick = 1_000; tick < 10_000; tick += 1_000) events.push(...evaluateFleetTick(fleet, config, hosts, sample.ts + tick));
  }
  return events.map((e) => `${e.state} ${e.rule}${Object.values(e.labels).map((v) => ' ' + v).join('')}`);
}

/** 20 minutes of one host at a 10 s interval, built as the worker builds them: a full poll every sixth, light ones carrying its filesystems. */
const samples = simulatedSamples(HOST, T0, 120);

void test('an absent rule on a filesystem metric never fires on carried filesystems, even with the shortest wait', () => {
  assert.ok(samples.filter((s) => s.pollScript === 'light').length >= 90);
  assert.ok(samples.every((s) => s.filesystems.length > 0));
  // Three intervals: shorter than the five light polls between two full ones.
  assert.deepEqual(evaluate([absentFilesystems(30_000)], samples), []);
  // Had light samples no filesystems, the same rule would fire: the test can tell.
  const uncarried = samples.map((s) => (s.pollScript === 'light' ? { ...s, filesystems: [], filesystemsAt: null } : s));
  assert.ok(evaluate([absentFilesystems(30_000)], uncarried).includes('firing filesystems_absent'));
});

void test('light samples with nothing to carry (the full poll\'s df failed) do not fire it either within its usual wait', () => {
  // One full poll whose df gave nothing, and the light polls after it carrying nothing, as the worker builds them.
  const failedAt = samples.findIndex((s, index) => index > 20 && s.pollScript === 'full');
  const nextFull = samples.findIndex((s, index) => index > failedAt && s.pollScript === 'full');
  const broken = samples.map((s, index) => {
    if (index === failedAt) return { ...s, filesystems: [], filesystemsAt: null, diskUsedPctMax: null, missing: ['df'] };
    if (index > failedAt && index < nextFull) return { ...s, filesystems: [], filesystemsAt: null, diskUsedPctMax: null };
    return s;
  });
  assert.deepEqual(evaluate([absentFilesystems(5 * 60_000)], broken), []);
});

void test('a filesystem threshold fires on a full poll and holds through the light ones: neither resolved nor fired again', () => {
  const disk = DEFAULT_ALERTS.rules.find((r) => r.name === 'filesystem_used') as AlertRule;
  // Every simulated disk is over 1 % used.
  const events = evaluate([{ ...disk, forMs: 0, levels: { warning: 1 }, recoverAt: 0.5 }], samples);
  const mounts = new Set((samples[0]?.filesystems ?? []).filter((fs) => fs.usedPct > 1).map((fs) => fs.mount));
  assert.ok(mounts.size > 0);
  assert.deepEqual([...events].sort(), [...mounts].map((mount) => `firing filesystem_used ${mount}`).sort());
});
