import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { simulatedSampleStream, simulatedSamples } from '../../lib/simulator/simulated-samples.ts';

const T0 = Date.parse('2026-11-20T20:00:00.000Z');

void describe('simulated samples', () => {
  void test('one sample per interval, a full poll (processes) one in six, rates from the first', () => {
    const samples = simulatedSamples('s', T0, 24);
    assert.deepEqual(samples.map((sample) => sample.ts), Array.from({ length: 24 }, (_, i) => T0 + i * 10_000));
    assert.deepEqual(
      samples.map((sample) => sample.processes !== undefined),
      Array.from({ length: 24 }, (_, i) => i % 6 === 5),
    );
    for (const sample of samples) {
      assert.equal(sample.host, 's');
      assert.ok(sample.cpuBusyPct !== null && sample.netRxBytesPerSec !== null && sample.interfaces.length > 0);
    }
  });

  void test('the stream goes on where a batch would', () => {
    const next = simulatedSampleStream('s', T0);
    const streamed = Array.from({ length: 12 }, next);
    assert.deepEqual(streamed, simulatedSamples('s', T0, 12));
  });
});
