import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePollOutput, POLL_SECTIONS } from '../../lib/collect/parse-poll-output.ts';
import { FAULT_MODES, faultFor, garbageOutput, truncateOutput } from '../../lib/simulator/fault-mode.ts';
import { renderPollOutput } from '../../lib/simulator/render-poll-output.ts';
import { seededRandom } from '../../lib/simulator/seeded-random.ts';
import { createHostState } from '../../lib/simulator/simulated-host-state.ts';

void test('named faults win; a fraction picks the same hosts for the same seed', () => {
  assert.equal(faultFor('a', { faults: { a: 'hang' }, faultFraction: 0 }), 'hang');
  assert.equal(faultFor('b', { faults: { a: 'hang' } }), null);
  const names = Array.from({ length: 2000 }, (_, i) => `h${i}`);
  const picked = names.map((n) => faultFor(n, { faultFraction: 0.1, seed: 5 }));
  assert.deepEqual(names.map((n) => faultFor(n, { faultFraction: 0.1, seed: 5 })), picked);
  const faulty = picked.filter((f) => f !== null);
  assert.ok(faulty.length > 120 && faulty.length < 280, `${faulty.length} of 2000 at 10%`);
  assert.deepEqual(new Set(faulty), new Set(FAULT_MODES), 'every mode is drawn');
  const onlyDrops = names.map((n) => faultFor(n, { faultFraction: 0.5, faultModes: ['drop'] })).filter((f) => f !== null);
  assert.ok(onlyDrops.every((f) => f === 'drop'));
});

void test('garbage parses to no section at all', () => {
  const random = seededRandom(9);
  for (let i = 0; i < 20; i++) {
    const snapshot = parsePollOutput(garbageOutput(random).toString('utf8'));
    for (const section of POLL_SECTIONS) assert.ok(snapshot.missing.includes(section));
    assert.ok(snapshot.missing.includes('end'));
  }
});

void test('truncated output lacks @@end and the cut section, yet keeps what came before the cut', () => {
  const random = seededRandom(11);
  for (let i = 0; i < 50; i++) {
    const full = renderPollOutput(createHostState(`host-${i}`, 1, Date.UTC(2026, 10, 23)));
    const cut = truncateOutput(full, random);
    assert.ok(cut.length < full.length && !cut.includes('@@end'));
    assert.ok(!cut.endsWith('\n'), 'cut mid-line');
    const snapshot = parsePollOutput(cut);
    assert.ok(snapshot.missing.includes('end'));
    assert.ok(snapshot.missing.length >= 2, snapshot.missing.join(','));
    assert.ok(snapshot.missing.length < POLL_SECTIONS.length + 1, 'not everything is lost');
  }
});

void test('a truncated light poll (no df since version 5) is cut in its end line: its files are whole, the end missing', () => {
  const random = seededRandom(12);
  for (let i = 0; i < 50; i++) {
    const light = renderPollOutput(createHostState(`host-${i}`, 1, Date.UTC(2026, 10, 23)), 'light');
    const cut = truncateOutput(light, random);
    assert.ok(cut.length < light.length && !cut.includes('@@end') && !cut.endsWith('\n'));
    const snapshot = parsePollOutput(cut);
    assert.deepEqual(snapshot.missing, ['end']);
    assert.ok(snapshot.cpuTotal !== null && snapshot.disks !== null);
  }
});
