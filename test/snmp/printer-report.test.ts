// The pure mapping from varbinds to the printer and device profiles, fed values no agent on the
// test machine can send (NaN, Infinity, objects, oversized Counter64 buffers).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deviceInterfaces } from '../../lib/snmp/device-interfaces.ts';
import { printerDetectedErrors } from '../../lib/snmp/printer-detected-errors.ts';
import { printerReport } from '../../lib/snmp/printer-report.ts';
import { snmpSystem } from '../../lib/snmp/snmp-system.ts';
import { tableRows } from '../../lib/snmp/snmp-table.ts';
import type { SnmpVarbind } from '../../lib/snmp/snmp-varbind.ts';
import { readInteger, readText, SNMP_TYPE } from '../../lib/snmp/snmp-varbind.ts';

const SUPPLIES = '1.3.6.1.2.1.43.11.1.1';
const int = (oid: string, value: unknown, type: number = SNMP_TYPE.Integer): SnmpVarbind => ({ oid, type, value });

describe('printerDetectedErrors', () => {
  test('bit 0 is the high bit of the first octet', () => {
    assert.deepEqual(printerDetectedErrors(Buffer.from([0x80])), ['lowPaper']);
    assert.deepEqual(printerDetectedErrors(Buffer.from([0x09, 0x02])), ['doorOpen', 'serviceRequested', 'overduePreventMaint']);
    assert.deepEqual(printerDetectedErrors(Buffer.from([0x00, 0x00, 0xff])), []);
    assert.deepEqual(printerDetectedErrors(Buffer.alloc(0)), []);
    assert.deepEqual(printerDetectedErrors(null), []);
  });
});

describe('varbind readers', () => {
  test('never NaN', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, undefined, null, true, {}, [], 'twelve', '1e400', Buffer.alloc(0)]) {
      assert.equal(readInteger(int('1.1', value)), null, String(value));
    }
    assert.equal(readInteger(int('1.1', Buffer.from([1, 0]), SNMP_TYPE.Counter64)), 256);
    assert.equal(readInteger(int('1.1', Buffer.alloc(12, 0xff), SNMP_TYPE.Counter64)), null);
    assert.equal(readInteger(int('1.1', ' 42 ', SNMP_TYPE.OctetString)), 42);
    assert.equal(readInteger(int('1.1', 5, SNMP_TYPE.NoSuchInstance)), null);
    assert.equal(readText(int('1.1', Buffer.from('Black\u0000\u0000', 'utf8'), SNMP_TYPE.OctetString)), 'Black');
    assert.equal(readText(int('1.1', {}, SNMP_TYPE.OctetString)), null);
  });
});

describe('printerReport', () => {
  test('hostile supplies, counters and statuses map to nulls and names, never NaN', () => {
    const varbinds: SnmpVarbind[] = [
      int(`${SUPPLIES}.8.1.1`, Number.NaN), int(`${SUPPLIES}.9.1.1`, 50),
      int(`${SUPPLIES}.8.1.2`, 100), int(`${SUPPLIES}.9.1.2`, Number.POSITIVE_INFINITY),
      int(`${SUPPLIES}.8.1.3`, 0), int(`${SUPPLIES}.9.1.3`, 0),
      int(`${SUPPLIES}.8.1.4`, 200), int(`${SUPPLIES}.9.1.4`, 50), int(`${SUPPLIES}.5.1.4`, 99), int(`${SUPPLIES}.4.1.4`, 4),
      int(`${SUPPLIES}.3.1.4`, 7),
    ];
    const report = printerReport(snmpSystem([int('1.3.6.1.2.1.1.3.0', -1, SNMP_TYPE.TimeTicks)]), {
      devices: tableRows('1.3.6.1.2.1.25.3.2.1', [int('1.3.6.1.2.1.25.3.2.1.5.1', 99)]),
      printers: tableRows('1.3.6.1.2.1.25.3.5.1', [int('1.3.6.1.2.1.25.3.5.1.1.1', 4), int('1.3.6.1.2.1.25.3.5.1.2.1', 7)]),
      markers: tableRows('1.3.6.1.2.1.43.10.2.1', [int('1.3.6.1.2.1.43.10.2.1.4.1.1', Buffer.alloc(8, 0xff), SNMP_TYPE.Counter64)]),
      supplies: tableRows(SUPPLIES, varbinds),
      colorants: new Map(),
      alerts: tableRows('1.3.6.1.2.1.43.18.1.1', [int('1.3.6.1.2.1.43.18.1.1.2.1.1', 2), int('1.3.6.1.2.1.43.18.1.1.7.1.1', 9999)]),
    });
    assert.equal(report.system.uptimeSec, null);
    assert.equal(report.printerStatus, 'printing');
    assert.equal(report.deviceStatus, null);
    // An INTEGER where the MIB has BITS reads as no conditions.
    assert.deepEqual(report.detectedErrors, []);
    assert.equal(report.pageCount, 2 ** 64 - 1);
    assert.deepEqual(report.supplies.map((s) => [s.rowIndex, s.levelState, s.level, s.maxCapacity, s.levelPct, s.remainingPct, s.type, s.class, s.colorant]), [
      ['1.1', 'measured', 50, null, null, null, 'unknown', 'other', null],
      ['1.2', 'unknown', null, 100, null, null, 'unknown', 'other', null],
      ['1.3', 'measured', 0, null, null, null, 'unknown', 'other', null],
      ['1.4', 'measured', 50, 200, 25, 75, 'unknown(99)', 'filled', null],
    ]);
    assert.deepEqual(report.alerts.map((a) => [a.severity, a.code, a.group, a.description]), [['other', 'unknown(9999)', 'unknown', 'unknown(9999)']]);
  });
});

describe('deviceInterfaces', () => {
  test('HC counters win, ifHighSpeed replaces a saturated ifSpeed, ifName over ifDescr', () => {
    const interfaces = deviceInterfaces(
      tableRows('1.3.6.1.2.1.2.2.1', [
        int('1.3.6.1.2.1.2.2.1.2.10', Buffer.from('eth0'), SNMP_TYPE.OctetString),
        int('1.3.6.1.2.1.2.2.1.5.10', 4_294_967_295, SNMP_TYPE.Gauge32),
        int('1.3.6.1.2.1.2.2.1.8.10', 1),
        int('1.3.6.1.2.1.2.2.1.10.10', 5, SNMP_TYPE.Counter32),
        int('1.3.6.1.2.1.2.2.1.2.2', Buffer.from('lo'), SNMP_TYPE.OctetString),
        int('1.3.6.1.2.1.2.2.1.8.2', 'up', SNMP_TYPE.OctetString),
        int('1.3.6.1.2.1.2.2.1.10.2', 7, SNMP_TYPE.Counter32),
        int('1.3.6.1.2.1.2.2.1.16.2', 8, SNMP_TYPE.Counter32),
      ]),
      tableRows('1.3.6.1.2.1.31.1.1.1', [
        int('1.3.6.1.2.1.31.1.1.1.1.10', Buffer.from('Gi1/0/10'), SNMP_TYPE.OctetString),
        int('1.3.6.1.2.1.31.1.1.1.6.10', Buffer.from([1, 0, 0, 0, 0]), SNMP_TYPE.Counter64),
        int('1.3.6.1.2.1.31.1.1.1.10.10', Buffer.from([2]), SNMP_TYPE.Counter64),
        int('1.3.6.1.2.1.31.1.1.1.15.10', 10_000, SNMP_TYPE.Gauge32),
      ]),
    );
    assert.deepEqual(interfaces.map((i) => [i.ifIndex, i.name, i.operStatus, i.speedBitsPerSec, i.counterBits, i.inOctets, i.outOctets]), [
      ['2', 'lo', 'unknown', null, 32, 7, 8],
      ['10', 'Gi1/0/10', 'up', 10_000_000_000, 64, 2 ** 32, 2],
    ]);
  });
});
