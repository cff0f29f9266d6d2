import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseLoadavg } from '../../lib/collect/parse-loadavg.ts';

void test('parses the GPU host loadavg', () => {
  const text = readFileSync(new URL('../fixtures/hosts/gpu-host-16core/proc-loadavg.txt', import.meta.url), 'utf8');
  assert.deepEqual(parseLoadavg(text), { load1: 0, load5: 0, load15: 0, runnable: 1, total: 204 });
});

void test('parses fractional loads and the runnable/total pair', () => {
  assert.deepEqual(parseLoadavg('5.79 1.93 0.76 12/238 19551\n'), { load1: 5.79, load5: 1.93, load15: 0.76, runnable: 12, total: 238 });
});

void test('malformed text is null', () => {
  assert.equal(parseLoadavg(''), null);
  assert.equal(parseLoadavg('0.1 0.2 0.3\n'), null);
  assert.equal(parseLoadavg('0.1 0.2 0.3 1-2 99\n'), null);
  assert.equal(parseLoadavg('0.1 x 0.3 1/2 99\n'), null);
});

// Regression: the fields are read in place, as trim().split(/\s+/) and split('/') cut them.
void test('the first line that is not blank is read; a third part of runnable/total is ignored', () => {
  assert.deepEqual(parseLoadavg('\n \t\n 0.5\t1.5  2.5 3/4/5 9\n'), { load1: 0.5, load5: 1.5, load15: 2.5, runnable: 3, total: 4 });
  assert.equal(parseLoadavg('\n0.5 1.5 2.5\n1.0 1.0 1.0 1/2 3\n'), null);
  assert.equal(parseLoadavg('0.5 1.5 2.5 3/\n'), null);
  assert.equal(parseLoadavg('0.5 1.5 2.5 /4\n'), null);
});
