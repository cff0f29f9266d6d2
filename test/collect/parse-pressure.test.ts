import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/hosts/${path}`, import.meta.url), 'utf8');
}

import { parsePressure } from '../../lib/collect/parse-pressure.ts';

void test('the GPU host files', () => {
  assert.deepEqual(parsePressure(fixture('gpu-host-16core/pressure-io.txt')), {
    some: { avg10: 1.94, avg60: 0.82, avg300: 0.19 },
    full: { avg10: 1.94, avg60: 0.82, avg300: 0.19 },
  });
  assert.equal(parsePressure(fixture('gpu-host-16core/pressure-cpu.txt'))?.some.avg60, 0.42);
});

void test('cpu on kernels before 5.13 has no full line; no some line is null', () => {
  assert.deepEqual(parsePressure('some avg10=0.00 avg60=1.50 avg300=0.00 total=12\n'), {
    some: { avg10: 0, avg60: 1.5, avg300: 0 },
    full: null,
  });
  assert.equal(parsePressure('full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n'), null);
  assert.equal(parsePressure('some avg10=-1 avg60=0 avg300=0 total=0\n'), null);
});

// Regression: the lines are read by a scan that must keep the regex's rules.
void test('a line is "some" or "full", then single-spaced avg10=, avg60= and avg300= values; averages are capped at 100', () => {
  assert.equal(parsePressure('some avg10=1.00  avg60=2.00 avg300=3.00 total=1\n'), null);
  assert.equal(parsePressure(' some avg10=1.00 avg60=2.00 avg300=3.00 total=1\n'), null);
  assert.deepEqual(parsePressure('full avg10=1 avg60=2 avg300=3\nsome avg10=250.5 avg60=2.5 avg300=3\tjunk\nsome avg10=9 avg60=9 avg300=9\n'), {
    some: { avg10: 100, avg60: 2.5, avg300: 3 },
    full: { avg10: 1, avg60: 2, avg300: 3 },
  });
  assert.equal(parsePressure('some avg10=1 avg60=2 avg300=3x\n'), null);
});
