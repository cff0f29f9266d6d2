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

  void test('every sample has the host\'s filesystems: light ones carry the last full poll\'s, with its time', () => {
    const samples = simulatedSamples('s', T0, 24);
    let fullAt = T0 - 10_000;
    for (const sample of samples) {
      if (sample.pollScript === 'full') fullAt = sample.ts;
      assert.ok(sample.filesystems.length > 0, `${sample.ts}`);
      assert.ok(sample.diskUsedPctMax !== null);
      assert.equal(sample.filesystemsAt, fullAt, `${sample.ts} ${sample.pollScript ?? ''}`);
      assert.deepEqual(sample.missing, []);
    }
    // Light samples repeat the full poll's figures; the next full poll reads them anew.
    const [light1, light2, , , , full] = samples;
    assert.deepEqual(light1?.filesystems, light2?.filesystems);
    assert.equal(full?.pollScript, 'full');
    assert.notDeepEqual(full?.filesystems, light1?.filesystems);
  });

  void test('the stream goes on where a batch would', () => {
    const next = simulatedSampleStream('s', T0);
    const streamed = Array.from({ length: 12 }, next);
    assert.deepEqual(streamed, simulatedSamples('s', T0, 12));
  });
});
