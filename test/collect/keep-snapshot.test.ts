import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSample } from '../../lib/collect/build-sample.ts';
import { carryFilesystemsInPlace } from '../../lib/collect/carry-filesystems.ts';
import { keepSnapshot } from '../../lib/collect/keep-snapshot.ts';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import { pollScriptFor } from '../../lib/collect/poll-schedule.ts';
import type { HostSnapshot, Sample } from '../../lib/collect/sample.ts';
import { renderPollOutput } from '../../lib/simulator/render-poll-output.ts';
import { advanceHostState, createHostState, rebootHostState } from '../../lib/simulator/simulated-host-state.ts';
import type { SimulatedHostState } from '../../lib/simulator/simulated-host-state.ts';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

/** One host's polls as the worker runs them, keeping either the parsed snapshots (as before) or keepSnapshot's, for the next poll and for the next full one. */
function pollSeries(host: SimulatedHostState, polls: number, keep: 'parsed' | 'kept', change?: (i: number, s: HostSnapshot) => void): Sample[] {
  let previous: HostSnapshot | undefined;
  let previousFull: HostSnapshot | undefined;
  let lightSinceFull: number | null = null;
  const samples: Sample[] = [];
  for (let i = 0; i < polls; i++) {
    const at = T0 + (i + 1) * 10_000;
    if (i === 9) rebootHostState(host, at - 5_000);
    advanceHostState(host, at);
    const script = pollScriptFor({ intervalSec: 10 }, lightSinceFull);
    const parsed = parsePollOutput(Buffer.from(renderPollOutput(host, script)).toString('utf8'));
    change?.(i, parsed);
    const snapshot = carryFilesystemsInPlace(parsed, previous, at);
    samples.push(buildSample(host.name, at, snapshot, previous, { ...(previousFull && { previousFull }) }));
    previous = keep === 'parsed' ? snapshot : keepSnapshot(previous, snapshot);
    if (snapshot.script === 'full') {
      previousFull = keep === 'parsed' ? snapshot : keepSnapshot(previousFull, snapshot);
      lightSinceFull = 0;
    } else if (lightSinceFull !== null) {
      lightSinceFull++;
    }
  }
  return samples;
}

/** A change of shape now and then: an interface gone and back, a disk renamed, a CPU taken offline, a section missing. */
function reshape(i: number, s: HostSnapshot): void {
  if (i === 4 && s.interfaces) s.interfaces = s.interfaces.slice(1);
  if (i === 5 && s.disks?.[0]) s.disks[0] = { ...s.disks[0], name: 'renamed0' };
  if (i === 6 && s.cpuPerCore) s.cpuPerCore = s.cpuPerCore.slice(0, -1);
  if (i === 7) s.memory = null;
  if (i === 8) s.cpuTotal = null;
  if (i === 12) s.activity = null;
}

test('samples are the same whether the parsed snapshot or the kept one is the base of the next poll', () => {
  for (let seed = 1; seed <= 12; seed++) {
    for (const change of [undefined, reshape]) {
      const parsed = pollSeries(createHostState(`host-${seed}`, seed, T0), 16, 'parsed', change);
      const kept = pollSeries(createHostState(`host-${seed}`, seed, T0), 16, 'kept', change);
      assert.equal(JSON.stringify(kept), JSON.stringify(parsed), `seed ${seed}${change ? ', reshaped' : ''}`);
      assert.ok(parsed.some((s) => s.cpuBusyPct !== null && (s.interfaces?.length ?? 0) > 0 && (s.disks?.length ?? 0) > 0), 'rates were computed');
    }
  }
});

test('the kept snapshot equals the current one, and is updated in place while the shapes stay', () => {
  const host = createHostState('host-a', 3, T0);
  advanceHostState(host, T0 + 10_000);
  const first = parsePollOutput(renderPollOutput(host, 'full'));
  const kept = keepSnapshot(undefined, first);
  assert.equal(JSON.stringify(kept), JSON.stringify(first));
  const { cpuTotal, cpuPerCore, interfaces, disks, memory } = kept;
  advanceHostState(host, T0 + 20_000);
  const second = parsePollOutput(renderPollOutput(host, 'light'));
  const again = keepSnapshot(kept, second);
  assert.equal(again, kept);
  assert.equal(JSON.stringify(again), JSON.stringify(second));
  assert.ok(again.cpuTotal === cpuTotal && again.cpuPerCore === cpuPerCore && again.interfaces === interfaces && again.disks === disks && again.memory === memory);
});

test('the kept snapshot never shares counters with a snapshot it was given', () => {
  const host = createHostState('host-b', 5, T0);
  advanceHostState(host, T0 + 10_000);
  const full = parsePollOutput(renderPollOutput(host, 'full'));
  const fullJson = JSON.stringify(full);
  let kept = keepSnapshot(undefined, full);
  for (let i = 2; i < 6; i++) {
    advanceHostState(host, T0 + i * 10_000);
    kept = keepSnapshot(kept, parsePollOutput(renderPollOutput(host, 'light')));
  }
  // The full snapshot (the host's previousFull, the base of its process CPU) is as it was parsed.
  assert.equal(JSON.stringify(full), fullJson);
  assert.notEqual(kept.cpuTotal, full.cpuTotal);
  assert.notEqual(kept.cpuPerCore?.[0], full.cpuPerCore?.[0]);
  assert.notEqual(kept.interfaces?.[0], full.interfaces?.[0]);
});

test('optional keys that come or go make a new kept snapshot with the current keys', () => {
  const fixture = readFileSync(new URL('../fixtures/hosts/debian12-vm-2core/poll-output-v2-2.txt', import.meta.url), 'utf8');
  const ssh = parsePollOutput(fixture);
  const kept = keepSnapshot(undefined, ssh);
  const exporter: HostSnapshot = { ...ssh, source: 'node_exporter', filesystemsAt: T0 };
  const next = keepSnapshot(kept, exporter);
  assert.notEqual(next, kept);
  assert.deepEqual(Object.keys(next).sort(), Object.keys(exporter).sort());
  assert.equal(JSON.stringify(next), JSON.stringify(exporter));
  const back = keepSnapshot(next, ssh);
  assert.deepEqual(Object.keys(back).sort(), Object.keys(ssh).sort());
  assert.equal(JSON.stringify(back), JSON.stringify(ssh));
});
