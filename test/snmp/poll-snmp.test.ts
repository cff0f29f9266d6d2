// pollSnmp against a real snmpd on loopback (see test-snmpd.ts): printer and device profiles over
// v2c and v3, and the ways a poll fails.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { metricValues } from '../../lib/alerting/evaluate-metric.ts';
import type { Sample } from '../../lib/collect/sample.ts';
import type { DeviceReport } from '../../lib/snmp/device-report.ts';
import { interfaceRates } from '../../lib/snmp/interface-rates.ts';
import { pagesPerDay } from '../../lib/snmp/pages-per-day.ts';
import { pollSnmp } from '../../lib/snmp/poll-snmp.ts';
import type { SnmpPollResult, SnmpReport } from '../../lib/snmp/poll-snmp.ts';
import type { PrinterReport } from '../../lib/snmp/printer-report.ts';
import type { SnmpSecurity, SnmpTarget } from '../../lib/snmp/snmp-target.ts';
import { FIXTURE_PAGE_COUNT, printerValues } from './printer-fixture.ts';
import {
  findFreeUdpPort, startTestSnmpd, TEST_COMMUNITY, TEST_V3_AUTH_KEY, TEST_V3_PRIV_KEY, TEST_V3_USER, TEST_V3_USER_AES256B,
} from './test-snmpd.ts';
import type { TestSnmpd } from './test-snmpd.ts';

const V3_AUTH_PRIV: SnmpSecurity = {
  version: '3', user: TEST_V3_USER, level: 'authPriv', authProtocol: 'sha', authKey: TEST_V3_AUTH_KEY, privProtocol: 'aes', privKey: TEST_V3_PRIV_KEY,
};
// Failures wait out the timeout: short ones keep the tests quick, and loopback answers in well under 300 ms.
const FAST_FAIL = { timeoutMs: 300, retries: 0 };

function target(agent: { port: number }, profile: SnmpTarget['profile'], security: SnmpSecurity = { version: '2c', community: TEST_COMMUNITY }): SnmpTarget {
  return { name: 'printer1', address: '127.0.0.1', port: agent.port, profile, security };
}

function report(result: SnmpPollResult): SnmpReport {
  assert.equal(result.kind, 'report', result.kind === 'failure' ? `${result.reason}: ${result.message}` : '');
  return (result as Extract<SnmpPollResult, { kind: 'report' }>).report;
}

function printer(result: SnmpPollResult): PrinterReport {
  const value = report(result);
  assert.equal(value.profile, 'printer');
  return value as PrinterReport;
}

function device(result: SnmpPollResult): DeviceReport {
  const value = report(result);
  assert.equal(value.profile, 'device');
  return value as DeviceReport;
}

function failure(result: SnmpPollResult): { reason: string; message: string } {
  assert.equal(result.kind, 'failure', 'the poll should have failed');
  return result as Extract<SnmpPollResult, { kind: 'failure' }>;
}

describe('pollSnmp against snmpd', () => {
  let agent: TestSnmpd;
  before(async () => {
    agent = await startTestSnmpd(printerValues());
  });
  after(async () => {
    await agent?.stop();
  });

  test('a v2c printer poll reads supplies as % of capacity, status, errors, page count and alerts', async () => {
    const result = printer(await pollSnmp(target(agent, 'printer')));
    assert.equal(result.system.name, 'vigil-test-printer');
    assert.equal(result.system.description, 'Vigil test printer (Net-SNMP snmpd with Printer-MIB fixtures)');
    assert.ok(result.system.uptimeSec !== null && result.system.uptimeSec >= 0);
    assert.equal(result.printerStatus, 'other');
    assert.equal(result.deviceStatus, 'warning');
    assert.deepEqual(result.detectedErrors, ['lowToner', 'jammed', 'inputTrayMissing']);
    assert.equal(result.pageCount, FIXTURE_PAGE_COUNT);
    assert.deepEqual(
      result.supplies.map((s) => [s.rowIndex, s.name, s.type, s.class, s.unit, s.colorant, s.levelState, s.level, s.maxCapacity, s.levelPct, s.remainingPct]),
      [
        ['2.1', 'Black Toner Cartridge 26A', 'toner', 'consumed', 'impressions', 'black', 'measured', 1350, 9000, 15, 15],
        ['2.2', 'Cyan Toner Cartridge', 'tonerCartridge', 'consumed', 'percent', 'cyan', 'measured', 64, 100, 64, 64],
        ['2.3', 'Waste Toner Box', 'wasteToner', 'filled', 'percent', null, 'measured', 85, 100, 85, 15],
        ['2.4', 'Imaging Drum', 'opc', 'consumed', 'impressions', null, 'some-remaining', null, 30000, null, null],
        ['2.5', 'Fuser Kit', 'fuser', 'consumed', 'impressions', null, 'unknown', null, null, null, null],
        ['2.6', 'Staples', 'staples', 'consumed', 'items', null, 'unrestricted', null, null, null, null],
      ],
    );
    assert.deepEqual(result.alerts, [
      { rowIndex: '2.1', severity: 'warning', group: 'markerSupplies', groupIndex: 1, code: 'markerTonerAlmostEmpty', description: 'Black toner low' },
      { rowIndex: '2.2', severity: 'critical', group: 'mediaPath', groupIndex: 2, code: 'jam', description: 'Paper jam in tray 2' },
      { rowIndex: '2.3', severity: 'critical', group: 'cover', groupIndex: null, code: 'coverOpen', description: 'Front door open' },
    ]);
  });

  test('pages per day come from two polls of the page counter', async () => {
    const first = printer(await pollSnmp(target(agent, 'printer'), { now: () => 1_000_000 }));
    await agent.setValues(printerValues({ pageCount: FIXTURE_PAGE_COUNT + 500 }));
    try {
      const second = printer(await pollSnmp(target(agent, 'printer'), { now: () => 1_000_000 + 3_600_000 }));
      assert.equal(second.pageCount, FIXTURE_PAGE_COUNT + 500);
      // 500 pages in an hour.
      assert.equal(pagesPerDay({ pageCount: first.pageCount, polledAt: 1_000_000 }, { pageCount: second.pageCount, polledAt: 4_600_000 }), 12_000);
    } finally {
      await agent.setValues(printerValues());
    }
  });

  test('a device poll reads every interface of IF-MIB with 64-bit counters, and rates from two polls', async () => {
    const first = await pollSnmp(target(agent, 'device'), { now: () => 0 });
    const second = await pollSnmp(target(agent, 'device'), { now: () => 10_000 });
    const interfaces = device(second).interfaces;
    // snmpd reads the same kernel list as /proc/net/dev.
    const kernel = (await readFile('/proc/net/dev', 'utf8')).split('\n').slice(2).map((line) => line.split(':')[0]?.trim()).filter((name) => name);
    assert.deepEqual(interfaces.map((i) => i.name).sort(), [...kernel].sort());
    const loopback = interfaces.find((i) => i.name === 'lo');
    assert.ok(loopback, 'no lo interface');
    assert.equal(loopback.operStatus, 'up');
    assert.equal(loopback.counterBits, 64);
    assert.ok(loopback.inOctets !== null && loopback.inOctets > 0, 'SNMP itself crosses lo');
    const rates = interfaceRates(
      { system: device(first).system, interfaces: device(first).interfaces, polledAt: 0 },
      { system: device(second).system, interfaces, polledAt: 10_000 },
    );
    const loRate = rates.find((r) => r.name === 'lo');
    assert.ok(loRate?.inBitsPerSec !== null && loRate?.inBitsPerSec !== undefined && loRate.inBitsPerSec >= 0);
    assert.ok(loRate.inErrorsPerSec === 0);
  });

  test('a v3 authPriv (SHA, AES) poll succeeds', async () => {
    const result = printer(await pollSnmp(target(agent, 'printer', V3_AUTH_PRIV)));
    assert.equal(result.system.name, 'vigil-test-printer');
    assert.equal(result.supplies[0]?.remainingPct, 15);
  });

  test('v3 with SHA-512 and AES-256 (Blumenthal)', async () => {
    const blumenthal = printer(await pollSnmp(target(agent, 'printer', {
      ...V3_AUTH_PRIV, user: TEST_V3_USER_AES256B, authProtocol: 'sha512', privProtocol: 'aes256b',
    })));
    assert.equal(blumenthal.pageCount, FIXTURE_PAGE_COUNT);
  });

  test('supplies and interfaces are labelled by name in alert rules\' metric paths', async () => {
    const result = printer(await pollSnmp(target(agent, 'printer')));
    const values = metricValues({ supplies: result.supplies } as unknown as Sample, 'supplies.remainingPct');
    assert.deepEqual(values, [
      { labels: { name: 'Black Toner Cartridge 26A' }, value: 15 },
      { labels: { name: 'Cyan Toner Cartridge' }, value: 64 },
      { labels: { name: 'Waste Toner Box' }, value: 15 },
    ]);
  });

  test('a wrong v3 auth key is auth-failed', async () => {
    const result = failure(await pollSnmp(target(agent, 'printer', { ...V3_AUTH_PRIV, authKey: 'not-the-auth-key' }), FAST_FAIL));
    assert.equal(result.reason, 'auth-failed', result.message);
    assert.match(result.message, /vigil_snmp_auth_key|Wrong Digest/);
  });

  test('a wrong v3 privacy key is auth-failed', async () => {
    const result = failure(await pollSnmp(target(agent, 'printer', { ...V3_AUTH_PRIV, privKey: 'not-the-priv-key' }), FAST_FAIL));
    assert.equal(result.reason, 'auth-failed', result.message);
  });

  test('an unknown v3 user is auth-failed', async () => {
    const result = failure(await pollSnmp(target(agent, 'printer', { ...V3_AUTH_PRIV, user: 'nobody' }), FAST_FAIL));
    assert.equal(result.reason, 'auth-failed', result.message);
    assert.match(result.message, /Unknown User Name/);
  });

  test('a wrong community is a timeout whose message points at the community', async () => {
    const result = failure(await pollSnmp(target(agent, 'printer', { version: '2c', community: 'wrong-community' }), FAST_FAIL));
    assert.equal(result.reason, 'timeout');
    assert.match(result.message, /vigil_snmp_community/);
  });

  test('a slow agent: a timeout when it answers after the timeout, a report when within it', async () => {
    const relay = await startDelayingRelay(agent.port, 250);
    try {
      const late = failure(await pollSnmp(target({ port: relay.port }, 'printer'), { timeoutMs: 100, retries: 0 }));
      assert.equal(late.reason, 'timeout');
      const patient = printer(await pollSnmp(target({ port: relay.port }, 'printer'), { timeoutMs: 10_000, retries: 0 }));
      assert.equal(patient.pageCount, FIXTURE_PAGE_COUNT);
    } finally {
      await relay.stop();
    }
  });

  test('hostile values give a report with no NaN, no exception', async () => {
    const SUPPLIES = '1.3.6.1.2.1.43.11.1.1';
    await agent.setValues([
      ['1.3.6.1.2.1.25.3.5.1.1.1', 'string', 'idle'],
      ['1.3.6.1.2.1.25.3.5.1.2.1', 'integer', 7],
      ['1.3.6.1.2.1.43.10.2.1.4.1.1', 'counter64', '18446744073709551615'],
      ['1.3.6.1.2.1.43.10.2.1.4.1.2', 'integer', -5],
      // Negative level, zero capacity.
      [`${SUPPLIES}.8.1.1`, 'integer', 0],
      [`${SUPPLIES}.9.1.1`, 'integer', -7],
      // Capacity of the wrong type, level above it.
      [`${SUPPLIES}.8.1.2`, 'objectid', '.1.3.6.1'],
      [`${SUPPLIES}.9.1.2`, 'integer', 2147483647],
      // Level above capacity; description not UTF-8.
      [`${SUPPLIES}.6.1.3`, 'octet', 'ff fe 00 41'],
      [`${SUPPLIES}.8.1.3`, 'integer', 100],
      [`${SUPPLIES}.9.1.3`, 'counter64', '18446744073709551615'],
      ['1.3.6.1.2.1.43.18.1.1.7.1.1', 'string', 'jam'],
    ]);
    try {
      const result = printer(await pollSnmp(target(agent, 'printer')));
      assertNoNaN(result);
      assert.equal(result.printerStatus, null);
      assert.deepEqual(result.detectedErrors, []);
      assert.equal(result.pageCount, 18446744073709551615);
      assert.deepEqual(result.supplies.map((s) => [s.levelState, s.levelPct, s.maxCapacity]), [
        ['unknown', null, null],
        ['measured', null, null],
        ['measured', 100, 100],
      ]);
      assert.equal(result.alerts[0]?.code, 'unknown');
    } finally {
      await agent.setValues(printerValues());
    }
  });
});

describe('pollSnmp failures without a working agent', () => {
  test('an agent that stopped is a timeout', async () => {
    const agent = await startTestSnmpd(printerValues());
    let stopped = false;
    try {
      printer(await pollSnmp(target(agent, 'printer')));
      await agent.stop();
      stopped = true;
      const result = failure(await pollSnmp(target(agent, 'printer'), FAST_FAIL));
      assert.equal(result.reason, 'timeout');
      assert.match(result.message, new RegExp(`127\\.0\\.0\\.1:${agent.port}`));
    } finally {
      if (!stopped) await agent.stop();
    }
  });

  test('an agent that answers garbage is a protocol failure', async () => {
    const liar = dgram.createSocket('udp4');
    liar.on('message', (_message, remote) => {
      liar.send(Buffer.from('this is not BER'), remote.port, remote.address);
    });
    await new Promise<void>((resolve) => liar.bind(0, '127.0.0.1', resolve));
    try {
      const result = failure(await pollSnmp(target({ port: liar.address().port }, 'printer'), FAST_FAIL));
      assert.equal(result.reason, 'protocol', result.message);
    } finally {
      await new Promise<void>((resolve) => liar.close(() => resolve()));
    }
  });

  test('a port where nothing listens is a timeout', async () => {
    const port = await findFreeUdpPort();
    const result = failure(await pollSnmp(target({ port }, 'device'), FAST_FAIL));
    assert.equal(result.reason, 'timeout');
  });
});

/** A UDP relay to the agent that holds every request `delayMs` before passing it on. */
async function startDelayingRelay(agentPort: number, delayMs: number): Promise<{ port: number; stop(): Promise<void> }> {
  const front = dgram.createSocket('udp4');
  const clients = new Map<number, dgram.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  front.on('message', (message, remote) => {
    let back = clients.get(remote.port);
    if (back === undefined) {
      const socket = dgram.createSocket('udp4');
      socket.on('message', (answer) => front.send(answer, remote.port, remote.address));
      clients.set(remote.port, socket);
      back = socket;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      back.send(message, agentPort, '127.0.0.1');
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  return {
    port: front.address().port,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([front, ...clients.values()].map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    },
  };
}

function assertNoNaN(value: unknown, path = 'report'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((item, i) => assertNoNaN(item, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertNoNaN(item, `${path}.${key}`);
}
