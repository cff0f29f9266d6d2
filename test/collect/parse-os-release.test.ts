import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/hosts/${path}`, import.meta.url), 'utf8');
}

import { parseOsRelease } from '../../lib/collect/parse-os-release.ts';

void test('Ubuntu on the GPU host', () => {
  assert.deepEqual(parseOsRelease(fixture('gpu-host-16core/os-release.txt')), { name: 'Ubuntu', version: '24.04' });
});

void test('unquoted values, single quotes, no VERSION_ID (Arch, Alpine edge), nothing at all', () => {
  assert.deepEqual(parseOsRelease("NAME='Alpine Linux'\nID=alpine\nVERSION_ID=3.20.1\n"), { name: 'Alpine Linux', version: '3.20.1' });
  assert.deepEqual(parseOsRelease('NAME="Arch Linux"\nBUILD_ID=rolling\n'), { name: 'Arch Linux', version: null });
  assert.deepEqual(parseOsRelease(''), { name: null, version: null });
});
