import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSpace, splitFields } from '../../lib/collect/split-fields.ts';

void test('the same fields as trim().split(/\\s+/), on /proc lines and on odd whitespace', () => {
  const lines = [
    '   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0',
    'cpu  1 2 3',
    '',
    '   ',
    'a\tb\u00a0c\u2028d\u3000e\ufeff',
    'x\u0000y z',
    ' lone ',
  ];
  for (const line of lines) assert.deepEqual(splitFields(line), line.trim().split(/\s+/), JSON.stringify(line));
  assert.deepEqual(splitFields('eth0: 1 2', 5), ['1', '2']);
});

void test('isSpace is \\s for every UTF-16 unit', () => {
  for (let code = 0; code < 0x10000; code++) assert.equal(isSpace(code), /\s/.test(String.fromCharCode(code)), `U+${code.toString(16)}`);
});
