import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseUptime } from '../../lib/collect/parse-uptime.ts';

void test('parses the GPU host uptime in seconds', () => {
  const text = readFileSync(new URL('../fixtures/hosts/gpu-host-16core/proc-uptime.txt', import.meta.url), 'utf8');
  assert.equal(parseUptime(text), 33.89);
});

void test('malformed text is null', () => {
  assert.equal(parseUptime(''), null);
  assert.equal(parseUptime('\n\n'), null);
  assert.equal(parseUptime('-3.00 1.00\n'), null);
  assert.equal(parseUptime('up 3 days\n'), null);
});
