import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJsonTextColumn, decodeJsonValueColumn, encodeJsonTextColumn } from '../../../lib/db/chunks/json-text-column.ts';

function roundTrip(texts: (string | null)[]): void {
  const encoded = encodeJsonTextColumn(texts);
  assert.deepEqual(decodeJsonTextColumn(encoded, texts.length), texts);
  // deepStrictEqual compares numbers with Object.is: -0 must stay -0.
  assert.deepEqual(
    decodeJsonValueColumn(encoded, texts.length),
    texts.map((text) => (text === null ? null : (JSON.parse(text) as unknown))),
  );
}

void describe('json text column', () => {
  void test('gives back each text exactly: spacing, key order and number spelling included', () => {
    roundTrip([
      '[{"mount":"/","usedPct":75.1,"sizeBytes":2753580303360},{"mount":"/boot","usedPct":32.92}]',
      '[{"mount":"/","usedPct":75.12,"sizeBytes":2753580303360},{"mount":"/boot","usedPct":32.9}]',
      null,
      '[["disk", "sda", 1874048.00, 4341128.53, 23.86], ["fs", "/", 75.10, null, null]]',
      '{"b":1,"a":2}',
      '[]',
      '{}',
      'null',
      ' [ 1 , -2.50 , 0 , -0.05 ] ',
    ]);
  });

  void test('numbers it cannot spell as digits and decimals travel verbatim', () => {
    roundTrip(['[1e21, -0, -0.0, 1.5E-7, 12345678901234567, 0.30000000000000004, 9007199254740993]', '[2e-7]']);
  });

  void test('strings keep their characters, the placeholders and escapes included', () => {
    roundTrip([
      '{"command":"echo # ~ 12 \\"quoted\\" \\\\ back","n":3}',
      '{"command":"x","n":4}',
      '["\\u00e9t\\u00e9", "日本", "tab\\tand\\nnewline", "#", "~"]',
      '"just a string with 42 in it"',
    ]);
  });

  void test('a device list whose devices come and go', () => {
    const texts = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify([{ name: 'eth0', rx: i * 1.5, tx: i }, ...(i % 3 === 0 ? [{ name: `veth${i}`, rx: 0.25, tx: i / 100 }] : [])]),
    );
    roundTrip(texts);
    roundTrip(texts.map((text, i) => (i % 7 === 0 ? null : text)));
  });

  void test('parsed values: "__proto__" stays a key, and rows not wanted are not built', () => {
    const texts = ['{"__proto__":{"x":1.5},"y":[2,3]}', null, '{"__proto__":{"x":2.25},"y":[4,5]}', '{"z":1e300}'];
    const values = decodeJsonValueColumn(encodeJsonTextColumn(texts), texts.length, (row) => row !== 2);
    assert.deepEqual(values, [JSON.parse(texts[0] as string), null, undefined, { z: 1e300 }]);
    assert.equal(Object.getPrototypeOf(values[0]), Object.prototype);
    assert.deepEqual(Object.keys(values[0] as object), ['__proto__', 'y']);
  });

  void test('random json values read back exactly', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.3) return [Math.round(random() * 1e4) / 100, random() * 1e6, -random(), null, true, 'a"b#~'][Math.floor(random() * 6)];
      if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}`, value(depth + 1)]));
    };
    roundTrip(Array.from({ length: 300 }, () => JSON.stringify(value(0))));
  });
});
