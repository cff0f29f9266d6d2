import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstSlotFrom, nextSlotAfter, pollPhaseMs } from '../../../services/scheduler/poll-phase.ts';

void describe('pollPhaseMs', () => {
  void it('is stable and within the interval', () => {
    for (const name of ['web1', 'db-01.example.com', '', 'ünïcode']) {
      const phase = pollPhaseMs(name, 10_000);
      assert.equal(phase, pollPhaseMs(name, 10_000));
      assert.ok(Number.isInteger(phase) && phase >= 0 && phase < 10_000, `${name}: ${phase}`);
    }
  });

  void it('spreads 1,000 hosts at 10 s to about 100 per second', () => {
    const perSecond = new Array<number>(10).fill(0);
    for (let i = 1; i <= 1000; i++) {
      const second = Math.floor(pollPhaseMs(`web${String(i).padStart(4, '0')}.example.com`, 10_000) / 1000);
      perSecond[second] = (perSecond[second] ?? 0) + 1;
    }
    for (const [second, count] of perSecond.entries()) {
      assert.ok(count >= 60 && count <= 140, `second ${second} has ${count} hosts: ${perSecond.join(',')}`);
    }
  });
});

void describe('nextSlotAfter', () => {
  void it('returns the next time congruent to the phase, strictly after the given time', () => {
    assert.equal(nextSlotAfter(10_000, 1000, 250), 10_250);
    assert.equal(nextSlotAfter(10_250, 1000, 250), 11_250);
    assert.equal(nextSlotAfter(10_249, 1000, 250), 10_250);
    assert.equal(nextSlotAfter(10_999, 1000, 0), 11_000);
  });

  void it('steps by exactly one interval from a slot, so lateness never drifts the schedule', () => {
    let slot = firstSlotFrom(1_700_000_000_123, 10_000, 4321);
    for (let i = 0; i < 100; i++) {
      const next = nextSlotAfter(slot, 10_000, 4321);
      assert.equal(next - slot, 10_000);
      assert.equal(next % 10_000, 4321);
      slot = next;
    }
  });

  void it('firstSlotFrom includes the given time itself', () => {
    assert.equal(firstSlotFrom(10_250, 1000, 250), 10_250);
    assert.equal(firstSlotFrom(10_251, 1000, 250), 11_250);
  });
});

void describe('pollPhaseMs on consecutive names', () => {
  void it('does not cluster node01..node20 within a second', () => {
    const offsets = Array.from({ length: 20 }, (_, i) => pollPhaseMs(`node${String(i + 1).padStart(2, '0')}`, 1000));
    for (const offset of offsets) {
      const inWindow = offsets.filter((o) => o >= offset && o < offset + 100).length;
      assert.ok(inWindow <= 6, `${inWindow} within 100 ms of ${offset}: ${offsets.join(',')}`);
    }
  });
});
