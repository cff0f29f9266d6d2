import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeNumberColumn, encodeNumberColumn } from '../../../lib/db/chunks/number-column.ts';
import { roundPercent } from '../../../lib/collect/round-percent.ts';

function roundTrip(values: (number | null)[]): (number | null)[] {
  const decoded = decodeNumberColumn(encodeNumberColumn(values), values.length);
  assert.equal(decoded.length, values.length);
  // Object.is: -0 stays -0 and NaN stays NaN.
  decoded.forEach((value, i) => assert.ok(Object.is(value, values[i]), `value ${i}: ${String(value)} read back for ${String(values[i])}`));
  return decoded;
}

void describe('number column', () => {
  void test('reads back decimals, integers and full doubles exactly, nulls where they were', () => {
    roundTrip([75.1, 32.92, null, 21.22, 0.05, -3.5, null]);
    roundTrip([3989848064, 2176172032, 2142453760, 2 ** 53 - 1, -(2 ** 53)]);
    roundTrip([41.82728410513141, 0.1 + 0.2, 1e-300, 5e-324, Number.MAX_VALUE]);
    roundTrip([1763942460000000, 1763942470000000, 1763942480000123]);
  });

  void test('keeps -0, NaN and the infinities', () => {
    roundTrip([-0, 0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5]);
    roundTrip([-0]);
  });

  void test('empty, all null, one value', () => {
    roundTrip([]);
    roundTrip([null, null, null]);
    roundTrip([7]);
  });

  void test('random columns of each shape read back exactly', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const shapes: (() => number | null)[] = [
      () => Math.round(random() * 1e6) / 100,
      () => Math.round(random() * 2 ** 40),
      () => random() * 100,
      () => (random() < 0.3 ? null : Math.round((random() - 0.5) * 1e5) / 10),
      () => 1e9 + Math.round(random() * 10),
    ];
    for (const shape of shapes) for (const length of [1, 2, 17, 360, 1000]) roundTrip(Array.from({ length }, shape));
  });

  void test('values take the bytes of their steps or spread, not of their size', () => {
    // Timestamps in microseconds, 10 s apart: 4-byte differences from a 16-digit start.
    const steady = Array.from({ length: 360 }, (_, i) => 1763942460000000 + i * 10_000_000);
    assert.equal(encodeNumberColumn(steady).length, 4 + 8 + 360 * 4);
    // 42.00 and 42.01 in turn: one byte each, as offsets from the smallest.
    assert.equal(encodeNumberColumn(steady.map((_, i) => 42 + (i % 2) / 100)).length, 4 + 8 + 360);
  });

  void test('percentages rounded where they are made take the bytes of scaled integers', () => {
    // Tick ratios as a poll makes them (17 significant digits), then kept to 0.01 as a sample keeps them.
    const ratios = Array.from({ length: 360 }, (_, i) => (100 * ((i * 7919) % 1601)) / 1601);
    const rounded = roundTrip(ratios.map(roundPercent));
    assert.ok(rounded.some((pct) => pct !== null && !Number.isInteger(pct * 10)), 'hundredths that no double holds exactly');
    // 0.00 to 100.00 as offsets from the smallest: two bytes a value.
    assert.equal(encodeNumberColumn(rounded).length, 4 + 8 + 360 * 2);
    assert.equal(encodeNumberColumn(ratios).length, 4 + 360 * 8);
  });

  void test('says what is wrong with a damaged column', () => {
    assert.throws(() => decodeNumberColumn(new Uint8Array([1, 0]), 1), /number column: 2 bytes, shorter than its header/);
    assert.throws(() => decodeNumberColumn(new Uint8Array([9, 0, 0, 0]), 1), /number column: unknown encoding 9/);
    assert.throws(() => decodeNumberColumn(encodeNumberColumn([1.25, 2.5]), 3), /number column: .* bytes of planes for 3 values/);
  });
});
