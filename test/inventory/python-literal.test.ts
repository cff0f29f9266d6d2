import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIniValue, PythonLiteralError } from '../../lib/inventory/python-literal.ts';
import { IntegralFloat } from '../../lib/inventory/python-values.ts';

void describe('parseIniValue (ast.literal_eval)', () => {
  void it('reads Python literals', () => {
    assert.equal(parseIniValue('1_000'), 1000);
    assert.equal(parseIniValue('0x1f'), 31);
    assert.equal(parseIniValue('-1.5e-3'), -0.0015);
    assert.deepEqual(parseIniValue('1e3'), new IntegralFloat(1000));
    assert.equal(parseIniValue('12345678901234567890'), 12345678901234567890n);
    assert.equal(parseIniValue('True'), true);
    assert.equal(parseIniValue('None'), null);
    assert.equal(parseIniValue("'a' \"b\""), 'ab');
    assert.equal(parseIniValue("u'\\u00e9\\x41'"), 'éA');
    assert.equal(parseIniValue("b'xy'"), 'xy');
    assert.deepEqual(parseIniValue("{'a': (1, 2), 'b': [None, -1]}"), { a: [1, 2], b: [null, -1] });
    assert.deepEqual(parseIniValue('{1: "a", True: "b"}'), { 1: 'b' });
    assert.deepEqual(parseIniValue('1,'), [1]);
    assert.equal(parseIniValue('1 # comment'), 1);
  });

  void it('keeps everything else the string as written', () => {
    for (const text of ['yes', 'true', '0755', '1+2', '2020-01-01', '[1, 2', 'foo # bar', '--1', 'x.y', "f'x'", '', '1__0', 'set(1)']) {
      assert.equal(parseIniValue(text), text);
    }
  });

  void it('refuses literals Ansible cannot print', () => {
    for (const text of ['1j', '1+2j', '{1, 2}', 'set()', '...', '[b"x"]']) assert.throws(() => parseIniValue(text), PythonLiteralError, text);
  });
});
