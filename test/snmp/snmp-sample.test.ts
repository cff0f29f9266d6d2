// snmpSample: the Sample the worker publishes for an SNMP poll, from synthetic device reports.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeviceInterface } from '../../lib/snmp/device-interfaces.ts';
import type { DeviceReport } from '../../lib/snmp/device-report.ts';
import { snmpFacts, snmpSample } from '../../lib/snmp/snmp-sample.ts';

const T0 = Date.UTC(2026, 0, 5, 9);

function iface(ifIndex: string, name: string, type: number, inOctets: number, outOctets: number, extra: Partial<DeviceInterface> = {}): DeviceInterface {
  return {
    ifIndex, name, description: name, alias: null, type, operStatus: 'up', speedBitsPerSec: 1e9, counterBits: 64,
    inOctets, outOctets, inErrors: 0, outErrors: 0, inDiscards: 0, outDiscards: 0, ...extra,
  };
}

function switchReport(uptimeSec: number, interfaces: DeviceInterface[]): DeviceReport {
  return { profile: 'device', system: { description: 'Switch OS 1.2\nbuilt by someone', objectId: null, name: 'sw1', uptimeSec }, interfaces };
}

describe('snmpSample of the device profile', () => {
  test('interface rates in bytes per second, errors as counts, loopback and virtual marked, totals without loopback', () => {
    const first = { report: switchReport(1000, [iface('1', 'lo', 24, 0, 0), iface('2', 'ge-0/0/1', 6, 1_000, 2_000), iface('3', 'br0', 209, 0, 0)]), polledAt: T0 };
    const second = {
      report: switchReport(1010, [
        iface('1', 'lo', 24, 5_000, 5_000),
        iface('2', 'ge-0/0/1', 6, 11_000, 4_000, { inErrors: 7, outDiscards: 3 }),
        iface('3', 'br0', 209, 100, 100),
        // New since the first poll: no rate yet, and the totals stand without it.
        iface('4', 'ge-0/0/2', 6, 9e9, 9e9),
      ]),
      polledAt: T0 + 10_000,
    };
    const s = snmpSample('sw1', second, first);
    assert.deepEqual(s.interfaces, [
      { name: 'lo', rxBytesPerSec: 500, txBytesPerSec: 500, rxErrors: 0, txErrors: 0, rxDrops: 0, txDrops: 0, loopback: true, virtual: true },
      { name: 'ge-0/0/1', rxBytesPerSec: 1000, txBytesPerSec: 200, rxErrors: 7, txErrors: 0, rxDrops: 0, txDrops: 3, loopback: false, virtual: false },
      { name: 'br0', rxBytesPerSec: 10, txBytesPerSec: 10, rxErrors: 0, txErrors: 0, rxDrops: 0, txDrops: 0, loopback: false, virtual: true },
    ]);
    assert.equal(s.netRxBytesPerSec, 1010);
    assert.equal(s.netTxBytesPerSec, 210);
    assert.equal(s.uptimeSec, 1010);
    assert.equal(s.rebooted, false);
    assert.equal(s.facts, null, 'unchanged facts are not sent again');
    assert.equal(s.source, 'snmp');
    assert.deepEqual(s.device, second.report);
  });

  test('a reboot: no rates across it, rebooted set, and the totals unknown rather than a false drop', () => {
    const first = { report: switchReport(100_000, [iface('2', 'ge-0/0/1', 6, 5e9, 5e9)]), polledAt: T0 };
    const second = { report: switchReport(30, [iface('2', 'ge-0/0/1', 6, 1_000, 1_000)]), polledAt: T0 + 60_000 };
    const s = snmpSample('sw1', second, first);
    assert.equal(s.rebooted, true);
    assert.equal(s.bootTime, T0 + 60_000 - 30_000);
    assert.deepEqual(s.interfaces, []);
    assert.equal(s.netRxBytesPerSec, null);
  });

  test('the first poll: facts from sysName and the first line of sysDescr, what the agent lacks in missing', () => {
    const s = snmpSample('sw1', { report: { ...switchReport(5, []), system: { description: null, objectId: null, name: null, uptimeSec: null } }, polledAt: T0 }, undefined);
    assert.deepEqual(s.missing, ['sysUpTime', 'ifTable']);
    assert.equal(s.bootTime, null);
    assert.deepEqual(s.facts, { hostname: null, kernel: null, osName: null, osVersion: null, cpuModel: null, architecture: null });
    assert.equal(snmpFacts(switchReport(1, []).system).osName, 'Switch OS 1.2');
    assert.equal(snmpFacts({ description: 'x'.repeat(500), objectId: null, name: 'sw1', uptimeSec: 1 }).osName?.length, 200);
  });
});
