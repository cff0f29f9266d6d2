import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countFields, countInField, countsInFields, fieldBounds, forEachLine, isSpace, splitFields } from '../../lib/collect/split-fields.ts';

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

void test('fieldBounds gives the bounds of the fields splitFields cuts, and counts past its limit', () => {
  const line = '  cpu0 12  7\t0 ';
  const bounds: number[] = [];
  assert.equal(fieldBounds(line, 0, line.length, bounds, 2), 4);
  assert.deepEqual(bounds, [2, 6, 7, 9]);
  assert.equal(fieldBounds(line, 0, line.length, bounds, 10), 4);
  const fields: string[] = [];
  for (let i = 0; i < bounds.length; i += 2) fields.push(line.slice(bounds[i], bounds[i + 1]));
  assert.deepEqual(fields, splitFields(line));
  assert.equal(fieldBounds('   ', 0, 3, bounds, 5), 0);
  assert.deepEqual(bounds, []);
});

void test('forEachLine visits the lines split(\'\\n\') gives, trailing empty one included', () => {
  for (const text of ['', 'a', 'a\nb', 'a\n', '\n\n', 'x\r\ny\n']) {
    const lines: string[] = [];
    forEachLine(text, (start, end) => lines.push(text.slice(start, end)));
    assert.deepEqual(lines, text.split('\n'), JSON.stringify(text));
  }
});

void test('counts are read from the fields in place, and a field that is no count fails them all', () => {
  const line = 'eth0 1 22 333 x4';
  const bounds: number[] = [];
  fieldBounds(line, 0, line.length, bounds, 10);
  assert.equal(countInField(line, bounds, 2), 22);
  assert.equal(countInField(line, bounds, 0), null);
  const counts: number[] = [9];
  assert.equal(countsInFields(line, bounds, 1, 4, counts), true);
  assert.deepEqual(counts, [1, 22, 333]);
  assert.equal(countsInFields(line, bounds, 1, 5, counts), false);
});

void test('countFields reads the first fields as fieldBounds bounds them and countInField counts them, in one pass', () => {
  const lines = [
    '   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0',
    'cpu  249149 202 28204 144553 1055 0 1010 721 0 0',
    '  eth0: 291788312 9665 0 x1 -1 1.5 12a 0',
    '18446744073709551615 123456789012345678 1234567890123456 123456789012345 123456789012345678901',
    'a\tb\u00a0c\u20289\u30000\ufeff',
    '',
    '   ',
  ];
  const bounds: number[] = [];
  const counts: number[] = [];
  const fused: number[] = [];
  for (const line of lines) {
    for (const limit of [0, 1, 3, 14, 100]) {
      const count = fieldBounds(line, 0, line.length, bounds, limit);
      const read = countFields(line, 0, line.length, counts, fused, limit);
      assert.equal(read, Math.min(count, limit), JSON.stringify(line));
      assert.deepEqual(fused.slice(0, 2 * read), bounds, JSON.stringify(line));
      for (let field = 0; field < read; field++) assert.equal(counts[field], countInField(line, bounds, field) ?? -1, `${JSON.stringify(line)} field ${field}`);
    }
  }
  // Within a range: text outside it is not read.
  assert.equal(countFields('12 34 56', 3, 5, counts, fused, 5), 1);
  assert.equal(counts[0], 34);
});
