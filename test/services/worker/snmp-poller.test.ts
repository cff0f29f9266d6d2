// The worker's SNMP source (vigil_source: snmp) against a real snmpd on loopback
// (test/snmp/test-snmpd.ts): pollFromSource with the worker's SnmpPoller, from inventory variables
// to the published Sample, and the ways such a poll fails.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { toHostTarget } from '../../../lib/inventory/to-host-target.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollFailure, PollJob, PollResult, PollSuccess } from '../../../lib/poll/poll-messages.ts';
import type { PrinterReport } from '../../../lib/snmp/printer-report.ts';
import type { CommandRunner } from '../../../services/worker/command-runner.ts';
import { pollFromSource } from '../../../services/worker/poll-source.ts';
import { SnmpPoller } from '../../../services/worker/snmp-poller.ts';
import { FIXTURE_PAGE_COUNT, FIXTURE_SUPPLIES, printerValues } from '../../snmp/printer-fixture.ts';
import { findFreeUdpPort, startTestSnmpd, TEST_COMMUNITY, TEST_V3_AUTH_KEY, TEST_V3_PRIV_KEY, TEST_V3_USER } from '../../snmp/test-snmpd.ts';
import type { MibValue, TestSnmpd } from '../../snmp/test-snmpd.ts';

// An SNMP host never runs a command: a runner that fails the test if it is asked to.
const NO_SSH: CommandRunner = {
  run: () => Promise.reject(new Error('an SNMP host was polled over SSH')),
  close: () => undefined,
};

// Failures wait out the timeout: short ones keep those tests quick. Polls meant to succeed get a
// patient one, as snmpd's pass_persist helpers can take seconds on a loaded machine.
const FAST = { timeoutMs: 400, retries: 0 };
const PATIENT = { timeoutMs: 5000, retries: 1 };

/** The HostTarget the scheduler would send, read from inventory variables as the inventory reader does. */
function inventoryTarget(name: string, vars: Record<string, unknown>): HostTarget {
  const target = toHostTarget({ name, groups: ['printers'], vars: { vigil_source: 'snmp', ...vars } }, { inventoryDir: '/tmp', defaultUser: 'vigil' });
  assert.ok(target !== null);
  return target;
}

function v2c(agent: { port: number }, profile: 'printer' | 'device', community = TEST_COMMUNITY): HostTarget {
  return inventoryTarget('printer1', { ansible_host: '127.0.0.1', vigil_snmp_port: agent.port, vigil_snmp_profile: profile, vigil_snmp_community: community });
}

function v3(agent: { port: number }, authKey = TEST_V3_AUTH_KEY): HostTarget {
  return inventoryTarget('printer3', {
    ansible_host: '127.0.0.1', vigil_snmp_port: String(agent.port), vigil_snmp_profile: 'printer', vigil_snmp_version: 3,
    vigil_snmp_user: TEST_V3_USER, vigil_snmp_auth_protocol: 'SHA', vigil_snmp_auth_key: authKey,
    vigil_snmp_priv_protocol: 'aes', vigil_snmp_priv_key: TEST_V3_PRIV_KEY,
  });
}

let seq = 0;
function job(target: HostTarget): PollJob {
  const now = Date.now();
  return { target, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
}

async function poll(poller: SnmpPoller | undefined, target: HostTarget): Promise<PollResult> {
  const outcome = await pollFromSource(NO_SSH, job(target), undefined, poller === undefined ? {} : { snmp: poller });
  // The worker keys its priming poll and host state on a snapshot: a good poll must give one.
  assert.equal(outcome.snapshot !== null, outcome.result.kind === 'sample');
  assert.equal(outcome.exporterFailure, null);
  return outcome.result;
}

function sample(result: PollResult): PollSuccess['sample'] {
  assert.equal(result.kind, 'sample', result.kind === 'failure' ? `${result.reason}: ${result.message}` : '');
  return (result as PollSuccess).sample;
}

function printerOf(result: PollResult): PrinterReport {
  const device = sample(result).device;
  assert.equal(device?.profile, 'printer');
  return device as PrinterReport;
}

function failure(result: PollResult): PollFailure {
  assert.equal(result.kind, 'failure', 'the poll should have failed');
  return result as PollFailure;
}

/** A clock the test moves: rates and pages per day over known intervals. */
function clock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let at = start;
  return { now: () => at, advance: (ms) => { at += ms; } };
}

describe('the worker polls vigil_source: snmp hosts', () => {
  let agent: TestSnmpd;
  before(async () => {
    agent = await startTestSnmpd(printerValues());
  });
  after(async () => {
    await agent?.stop();
  });

  test('inventory variables become the job\'s SNMP settings, secrets included, no exporter URL', () => {
    const target = v3({ port: 1161 });
    assert.equal(target.source, 'snmp');
    assert.equal(target.nodeExporterUrl, undefined);
    assert.deepEqual(target.snmp, {
      port: 1161, profile: 'printer',
      security: { version: '3', user: TEST_V3_USER, level: 'authPriv', authProtocol: 'sha', authKey: TEST_V3_AUTH_KEY, privProtocol: 'aes', privKey: TEST_V3_PRIV_KEY },
    });
    assert.equal(inventoryTarget('sw1', {}).snmp?.port, 161);
    assert.equal(toHostTarget({ name: 'web1', groups: [], vars: {} }, { inventoryDir: '/tmp', defaultUser: 'vigil' })?.snmp, undefined);
  });

  test('a bad SNMP variable is an inventory error naming the file, the host and the variable', () => {
    const bad = (vars: Record<string, unknown>, variable: string, pattern: RegExp): void => {
      assert.throws(() => toHostTarget({ name: 'printer9', groups: [], vars: { vigil_source: 'snmp', ...vars } }, { inventoryDir: '/inv', defaultUser: 'vigil', source: '/inv/hosts' }), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal((error as { variable?: unknown }).variable, variable);
        assert.equal((error as { host?: unknown }).host, 'printer9');
        assert.match(error.message, /\/inv\/hosts/);
        assert.match(error.message, pattern);
        return true;
      });
    };
    bad({ vigil_snmp_version: '1' }, 'vigil_snmp_version', /host 'printer9': vigil_snmp_version must be one of 2c, 3, got "1"/);
    bad({ vigil_snmp_port: 70000 }, 'vigil_snmp_port', /must be an integer 1\.\.65535/);
    bad({ vigil_snmp_version: 3 }, 'vigil_snmp_user', /must be set for SNMP version 3/);
    bad({ vigil_snmp_user: 'x' }, 'vigil_snmp_user', /SNMPv3 setting/);
    bad({ vigil_snmp_version: 3, vigil_snmp_user: 'u', vigil_snmp_auth_protocol: 'sha', vigil_snmp_auth_key: 'short' }, 'vigil_snmp_auth_key', /at least 8 characters, got 5/);
  });

  test('a printer: sample fields for charts and rules, the report in device, pages per day from the previous poll, one session', async () => {
    const time = clock();
    // Polled every 30 minutes (vigil_interval 1800): its state outlives the 15-minute idle default.
    const poller = new SnmpPoller({ ...PATIENT, now: time.now });
    const target = { ...v2c(agent, 'printer'), intervalSec: 1800 };
    try {
      const first = sample(await poll(poller, target));
      assert.equal(first.host, 'printer1');
      assert.equal(first.source, 'snmp');
      assert.equal(first.ts, time.now());
      assert.ok(first.uptimeSec !== null && first.uptimeSec >= 0);
      assert.equal(first.bootTime, Math.round((time.now() - first.uptimeSec * 1000) / 1000) * 1000);
      assert.equal(first.rebooted, false);
      assert.deepEqual(first.facts, {
        hostname: 'vigil-test-printer', kernel: null, osName: 'Vigil test printer (Net-SNMP snmpd with Printer-MIB fixtures)',
        osVersion: null, cpuModel: null, architecture: null,
      });
      assert.equal(first.cpuBusyPct, null);
      assert.deepEqual(first.interfaces, []);
      assert.deepEqual(first.missing, []);
      const report = first.device as PrinterReport;
      assert.equal(report.pageCount, FIXTURE_PAGE_COUNT);
      assert.equal(report.pagesPerDay, null, 'no previous poll, no rate');
      assert.deepEqual(report.supplies.map((s) => [s.name, s.remainingPct]), FIXTURE_SUPPLIES.map((s) => [s.description, ({ 1: 15, 2: 64, 3: 15 } as Record<number, number>)[s.index] ?? null]));
      assert.deepEqual(report.errors.filter((e) => e.active === 1).map((e) => e.name), ['printer-status', 'jammed', 'inputTrayMissing', 'critical-alert']);
      assert.equal(report.alerts.length, 3);
      // It crosses the queue as JSON: nothing may be lost on the way.
      assert.deepEqual(JSON.parse(JSON.stringify(first)), first);

      await agent.setValues(printerValues({ pageCount: FIXTURE_PAGE_COUNT + 250 }));
      time.advance(30 * 60_000);
      const second = sample(await poll(poller, target));
      // 250 pages in half an hour.
      assert.equal((second.device as PrinterReport).pagesPerDay, 12_000);
      assert.equal(second.facts, null, 'facts only when they change');
      time.advance(60_000);
      sample(await poll(poller, target));
      assert.equal(poller.sessionsOpened, 1, 'three polls over one session');
      assert.equal(poller.openSessions, 1);
    } finally {
      poller.close();
      await agent.setValues(printerValues());
    }
    assert.equal(poller.openSessions, 0, 'close() closes the sessions');
  });

  test('a device: IF-MIB rates in the sample\'s interfaces from two polls, loopback marked and left out of the totals', async () => {
    const time = clock();
    const poller = new SnmpPoller({ ...PATIENT, now: time.now });
    try {
      const first = sample(await poll(poller, v2c(agent, 'device')));
      assert.deepEqual(first.interfaces, [], 'no rates on a first poll');
      assert.equal(first.netRxBytesPerSec, null);
      assert.equal(first.device?.profile, 'device');
      time.advance(10_000);
      const second = sample(await poll(poller, v2c(agent, 'device')));
      const lo = second.interfaces.find((i) => i.name === 'lo');
      assert.ok(lo, `no lo among ${second.interfaces.map((i) => i.name).join(', ')}`);
      assert.equal(lo.loopback, true);
      assert.equal(lo.virtual, true);
      // snmpd caches ifTable for a few seconds, so two quick polls may read the same counters.
      assert.ok(lo.rxBytesPerSec >= 0 && Number.isFinite(lo.rxBytesPerSec), `lo rx ${lo.rxBytesPerSec}`);
      assert.equal(lo.rxErrors, 0);
      const others = second.interfaces.filter((i) => !i.loopback);
      if (others.length > 0) {
        assert.equal(second.netRxBytesPerSec, others.reduce((sum, i) => sum + i.rxBytesPerSec, 0));
      } else {
        assert.equal(second.netRxBytesPerSec, null, 'loopback alone is no network traffic');
      }
      assert.equal(poller.sessionsOpened, 1);
    } finally {
      poller.close();
    }
  });

  test('a host not polled for longer than the idle time loses its session and previous report', async () => {
    const time = clock();
    const poller = new SnmpPoller({ ...PATIENT, now: time.now, idleMs: 60_000 });
    try {
      sample(await poll(poller, v2c(agent, 'printer')));
      time.advance(5 * 60_000);
      const later = sample(await poll(poller, v2c(agent, 'printer')));
      assert.equal((later.device as PrinterReport).pagesPerDay, null, 'no rate across a forgotten host');
      assert.notEqual(later.facts, null, 'facts again, as for a new host');
      assert.equal(poller.sessionsOpened, 2);
    } finally {
      poller.close();
    }
  });

  test('SNMPv3 authPriv keeps its discovered session across polls', async () => {
    const poller = new SnmpPoller(PATIENT);
    try {
      for (let i = 0; i < 3; i++) assert.equal(printerOf(await poll(poller, v3(agent))).pageCount, FIXTURE_PAGE_COUNT);
      assert.equal(poller.sessionsOpened, 1);
    } finally {
      poller.close();
    }
  });

  test('without a poller of the worker\'s (vigil poll), a poll still works, on a session of its own', async () => {
    assert.equal(printerOf(await poll(undefined, v2c(agent, 'printer'))).pageCount, FIXTURE_PAGE_COUNT);
  });

  test('a wrong community is timeout-connect, naming the host and the community variable', async () => {
    const poller = new SnmpPoller(FAST);
    try {
      const result = failure(await poll(poller, v2c(agent, 'printer', 'not-the-community')));
      assert.equal(result.reason, 'timeout-connect');
      assert.match(result.message, /^host 'printer1': no answer from 127\.0\.0\.1:\d+ within 400 ms × 1 tries/);
      assert.match(result.message, /vigil_snmp_community/);
      assert.doesNotMatch(result.message, /not-the-community/, 'a community is a secret');
      assert.equal(poller.openSessions, 0, 'a failed session is not kept');
    } finally {
      poller.close();
    }
  });

  test('a wrong v3 auth key is auth-failed, naming the host and the variable, never the key', async () => {
    const poller = new SnmpPoller({ timeoutMs: 3000, retries: 0 });
    try {
      const result = failure(await poll(poller, v3(agent, 'wrong-auth-key')));
      assert.equal(result.reason, 'auth-failed', result.message);
      assert.match(result.message, /^host 'printer3': 127\.0\.0\.1:\d+ refused SNMPv3 user 'vigiltest': .*check vigil_snmp_auth_key/);
      assert.doesNotMatch(result.message, /wrong-auth-key/);
    } finally {
      poller.close();
    }
  });

  test('a lying printer (levels -3, -2, nonsense statuses) gives a sample with no NaN and no supply value', async () => {
    const poller = new SnmpPoller(PATIENT);
    // hrPrinterStatus 42 and hrDeviceStatus -1 are outside the MIB.
    const outOfRange = new Map([['1.3.6.1.2.1.25.3.5.1.1.2', 42], ['1.3.6.1.2.1.25.3.2.1.5.2', -1]]);
    await agent.setValues(printerValues({
      supplies: [
        { index: 1, colorant: 1, class: 3, type: 3, description: 'Black Toner', unit: 19, max: 100, level: -3 },
        { index: 2, colorant: 2, class: 3, type: 3, description: 'Cyan Toner', unit: 19, max: -2, level: -2 },
        { index: 3, colorant: 0, class: 3, type: 3, description: 'Magenta Toner', unit: 19, max: 0, level: 250 },
      ],
    }).map(([oid, type, value]): MibValue => [oid, type, outOfRange.get(oid) ?? value]));
    try {
      const result = await poll(poller, v2c(agent, 'printer'));
      const report = printerOf(result);
      assert.deepEqual(report.supplies.map((s) => [s.name, s.levelState, s.remainingPct]), [
        ['Black Toner', 'some-remaining', null], ['Cyan Toner', 'unknown', null], ['Magenta Toner', 'measured', null],
      ]);
      assert.equal(report.printerStatus, null);
      assert.equal(report.deviceStatus, null);
      assert.equal(report.errors.find((e) => e.name === 'printer-status')?.active, 0, 'an unreadable status is no error');
      assertNoNaN(sample(result));
    } finally {
      poller.close();
      await agent.setValues(printerValues());
    }
  });
});

describe('SNMP hosts that do not answer', () => {
  test('a port where nothing listens is timeout-connect with the host and its address', async () => {
    const port = await findFreeUdpPort();
    const poller = new SnmpPoller(FAST);
    try {
      const result = failure(await poll(poller, v2c({ port }, 'device')));
      assert.equal(result.reason, 'timeout-connect');
      assert.match(result.message, new RegExp(`^host 'printer1': no answer from 127\\.0\\.0\\.1:${port}`));
    } finally {
      poller.close();
    }
  });

  test('an agent that stops fails the next poll; restarted (new SNMPv3 engine), it is polled again on a new session and the reboot shows', async () => {
    let agent = await startTestSnmpd(printerValues());
    const poller = new SnmpPoller({ timeoutMs: 3000, retries: 0 });
    try {
      const before = sample(await poll(poller, v3(agent)));
      await agent.stop();
      const down = failure(await poll(poller, v3(agent)));
      assert.equal(down.reason, 'timeout-connect', down.message);
      assert.equal(poller.sessionsOpened, 1);

      agent = await startTestSnmpd(printerValues(), { port: agent.port });
      const after = sample(await poll(poller, v3(agent)));
      assert.equal(poller.sessionsOpened, 2, 'a new session after the failure');
      assert.ok(after.uptimeSec !== null && before.uptimeSec !== null);
      // The new agent's sysUpTime began again, unless the first had run for less time than it took to restart.
      assert.equal(after.rebooted, after.uptimeSec < before.uptimeSec);
    } finally {
      poller.close();
      await agent.stop();
    }
  });

  test('a kept SNMPv3 session whose agent restarted unseen with another engine polls on, with no new session', async () => {
    let agent = await startTestSnmpd(printerValues());
    const poller = new SnmpPoller({ timeoutMs: 3000, retries: 0 });
    try {
      sample(await poll(poller, v3(agent)));
      await agent.stop();
      // Another engine ID, as after a reset or a firmware update (a plain restart here keeps snmpd's).
      agent = await startTestSnmpd(printerValues(), { port: agent.port, engineIdText: 'vigil-restarted' });
      // The kept session knows the old engine: the agent answers with a report, on which net-snmp
      // discovers the new engine and resends, within the same poll.
      assert.equal(printerOf(await poll(poller, v3(agent))).pageCount, FIXTURE_PAGE_COUNT);
      assert.equal(poller.sessionsOpened, 1);
    } finally {
      poller.close();
      await agent.stop();
    }
  });
});

function assertNoNaN(value: unknown, path = 'sample'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((item, i) => assertNoNaN(item, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertNoNaN(item, `${path}.${key}`);
}
