import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/hosts/${path}`, import.meta.url), 'utf8');
}

import { parseNvidiaSmi } from '../../lib/collect/parse-nvidia-smi.ts';

const MIB = 1024 * 1024;

void test('the H100 of the GPU host, as nvidia-smi printed it', () => {
  assert.deepEqual(parseNvidiaSmi(fixture('gpu-host-16core/nvidia-smi-query-gpu.csv')), [
    {
      index: 0,
      uuid: 'GPU-99d43ebb-9d20-6676-cacb-fa7d14ec2b02',
      name: 'NVIDIA H100 80GB HBM3',
      utilizationPct: 0,
      memoryUtilizationPct: 0,
      memoryUsedBytes: 0,
      memoryTotalBytes: 81559 * MIB,
      temperatureC: 34,
      powerDrawW: 71.65,
      powerLimitW: 700,
    },
  ]);
});

void test('[N/A] and [Not Supported] become null; the header form (with units) is not what the script asks for', () => {
  const [gpu] = parseNvidiaSmi('1, GPU-x, Tesla T4, [N/A], 55, [Not Supported], 15360, 1024, 14336, [N/A], 70.00\n') ?? [];
  assert.equal(gpu?.temperatureC, null);
  assert.equal(gpu?.utilizationPct, 55);
  assert.equal(gpu?.memoryUtilizationPct, null);
  assert.equal(gpu?.powerDrawW, null);
  assert.equal(parseNvidiaSmi(fixture('gpu-host-16core/nvidia-smi-query-gpu-with-header.csv')), null);
  assert.equal(parseNvidiaSmi('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.\n'), null);
});
