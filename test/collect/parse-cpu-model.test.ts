import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/hosts/${path}`, import.meta.url), 'utf8');
}

import { parseCpuModel } from '../../lib/collect/parse-cpu-model.ts';

void test('x86 model name from the GPU host', () => {
  assert.equal(parseCpuModel(fixture('gpu-host-16core/cpuinfo-head.txt')), 'Intel(R) Xeon(R) Processor');
});

void test('ARM without a model name, and nothing usable', () => {
  assert.equal(parseCpuModel('processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n'), 'implementer 0x41 part 0xd0c');
  assert.equal(parseCpuModel('processor : 0\nHardware : BCM2835\n'), 'BCM2835');
  assert.equal(parseCpuModel(''), null);
});
