import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentRestarted, counterDelta, counterRate } from '../../lib/snmp/counter-delta.ts';
import type { DeviceInterface } from '../../lib/snmp/device-interfaces.ts';
import { interfaceRates } from '../../lib/snmp/interface-rates.ts';
import { pagesPerDay } from '../../lib/snmp/pages-per-day.ts';
import type { SnmpSystem } from '../../lib/snmp/snmp-system.ts';

describe('counterDelta', () => {
  test('growth, a Counter32 wrap, a reset and unknowns', () => {
    assert.equal(counterDelta(100, 250, 32), 150);
    assert.equal(counterDelta(2 ** 32 - 100, 50, 32), 150);
    assert.equal(counterDelta(500, 100, 64), null);
    assert.equal(counterDelta(2 ** 32 - 100, 50, 32, true), null);
    assert.equal(counterDelta(null, 5, 64), null);
    assert.equal(counterDelta(-1, 5, 64), null);
    assert.equal(counterDelta(Number.NaN, 5, 64), null);
  });

  test('rates need a positive elapsed time', () => {
    assert.equal(counterRate(0, 1000, 10, 64), 100);
    assert.equal(counterRate(0, 1000, 0, 64), null);
    assert.equal(counterRate(0, 1000, -5, 64), null);
    assert.equal(counterRate(0, 1000, Number.NaN, 64), null);
  });

  test('a restart is sysUpTime going down', () => {
    assert.equal(agentRestarted(1000, 10), true);
    assert.equal(agentRestarted(10, 1000), false);
    assert.equal(agentRestarted(null, 10), false);
  });
});

describe('pagesPerDay', () => {
  test('pages over the elapsed time, per day', () => {
    assert.equal(pagesPerDay({ pageCount: 1000, polledAt: 0 }, { pageCount: 1100, polledAt: 12 * 3_600_000 }), 200);
  });

  test('a counter that went down (a new formatter board) or no time elapsed gives no rate', () => {
    assert.equal(pagesPerDay({ pageCount: 50_000, polledAt: 0 }, { pageCount: 10, polledAt: 3_600_000 }), null);
    assert.equal(pagesPerDay({ pageCount: 1, polledAt: 5 }, { pageCount: 2, polledAt: 5 }), null);
    assert.equal(pagesPerDay({ pageCount: null, polledAt: 0 }, { pageCount: 2, polledAt: 5 }), null);
  });
});

describe('interfaceRates', () => {
  const system = (uptimeSec: number): SnmpSystem => ({ description: null, objectId: null, name: null, uptimeSec });
  const port = (index: string, inOctets: number, counterBits: 32 | 64, inErrors = 0): DeviceInterface => ({
    ifIndex: index, name: `port${index}`, description: null, alias: null, type: 6, operStatus: 'up', speedBitsPerSec: 1e9, counterBits,
    inOctets, outOctets: inOctets, inErrors, outErrors: 0, inDiscards: 0, outDiscards: 0,
  });

  test('bits per second from octets, errors per second, nulls for a new interface', () => {
    const rates = interfaceRates(
      { system: system(100), interfaces: [port('1', 1000, 64), port('2', 2 ** 32 - 1000, 32)], polledAt: 0 },
      { system: system(110), interfaces: [port('1', 11_000, 64, 20), port('2', 1000, 32), port('3', 5, 64)], polledAt: 10_000 },
    );
    assert.deepEqual(rates.map((r) => [r.ifIndex, r.inBitsPerSec, r.inErrorsPerSec]), [['1', 8000, 2], ['2', 1600, 0], ['3', null, null]]);
  });

  test('no rates across an agent restart or a change of counter width', () => {
    const restarted = interfaceRates(
      { system: system(1000), interfaces: [port('1', 2 ** 32 - 10, 32)], polledAt: 0 },
      { system: system(5), interfaces: [port('1', 10, 32)], polledAt: 10_000 },
    );
    assert.equal(restarted[0]?.inBitsPerSec, null);
    const widened = interfaceRates(
      { system: system(1), interfaces: [port('1', 10, 32)], polledAt: 0 },
      { system: system(2), interfaces: [port('1', 20, 64)], polledAt: 1000 },
    );
    assert.equal(widened[0]?.inBitsPerSec, null);
  });
});
