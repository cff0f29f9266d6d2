import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCount, parseCountIn, parseUnsignedDecimal, parseUnsignedDecimalIn } from '../../lib/collect/parse-count.ts';

void test('parseCount accepts plain digits only', () => {
  assert.equal(parseCount('0'), 0);
  assert.equal(parseCount('131981020'), 131981020);
  assert.equal(parseCount('18446744073709551615'), 18446744073709551615);
  for (const bad of [undefined, '', ' 1', '-1', '1.5', '0x1f', '1e3', 'Infinity', 'NaN', '123456789012345678901']) {
    assert.equal(parseCount(bad), null, String(bad));
  }
});

void test('parseUnsignedDecimal accepts load and uptime figures', () => {
  assert.equal(parseUnsignedDecimal('33.89'), 33.89);
  assert.equal(parseUnsignedDecimal('0.00'), 0);
  assert.equal(parseUnsignedDecimal('7'), 7);
  for (const bad of [undefined, '', '.5', '5.', '-0.1', '1e3', 'Infinity', '1.2.3']) {
    assert.equal(parseUnsignedDecimal(bad), null, String(bad));
  }
});

void test('parseCountIn reads a count inside a longer text exactly as parseCount reads it cut out', () => {
  const text = 'rx 131981020 18446744073709551615 12a 0';
  for (let start = 0; start <= text.length; start++) {
    for (let end = start; end <= text.length; end++) assert.equal(parseCountIn(text, start, end), parseCount(text.slice(start, end)), `${start}-${end}`);
  }
});

void test('parseUnsignedDecimalIn reads a decimal inside a longer text as /^\\d{1,20}(?:\\.\\d{1,20})?$/ and Number() read it cut out', () => {
  const text = 'avg10=0.26 33.89 7 .5 5. 1.2.3 -0.1 1e3 12345678901234567890.12345678901234567890 123456789012345678901.5 1.123456789012345678901';
  for (let start = 0; start <= text.length; start++) {
    for (let end = start; end <= text.length; end++) {
      const cut = text.slice(start, end);
      const expected = /^\d{1,20}(?:\.\d{1,20})?$/.test(cut) ? Number(cut) : null;
      assert.equal(parseUnsignedDecimalIn(text, start, end), expected, JSON.stringify(cut));
      assert.equal(parseUnsignedDecimal(cut), expected, JSON.stringify(cut));
    }
  }
});
