// The SNMP benchmark (`node --import tsx bench/snmp.ts`): printer polls per second of pollSnmp
// against a local snmpd serving the tests' printer (test/snmp/test-snmpd.ts), side by side with a
// bare net-snmp GET of the same leaf OIDs in the same run: once with a new session per poll (as
// pollSnmp does) and once over one reused session; and the worker's path (pollFromSource with the
// worker's SnmpPoller: a kept session per host, the sample mapping with rates), one host per lane
// in flight as the worker polls a host once at a time. `--mode worker` runs only the bare reused
// GET, pollSnmp and the worker's path. Client CPU per poll is this process's own; the agent's
// (snmpd and its pass_persist helpers) is not counted. Figures drift on a shared machine: compare
// the rows of one run, and note the load average printed with them.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import snmp from 'net-snmp';
import type { Session } from 'net-snmp';
import { SYSTEM_SCALARS } from '../lib/snmp/mib-oids.ts';
import { DEFAULT_SNMP_MAX_REPETITIONS, pollSnmp } from '../lib/snmp/poll-snmp.ts';
import type { SnmpSecurity, SnmpTarget } from '../lib/snmp/snmp-target.ts';
import type { HostTarget } from '../lib/poll/host-target.ts';
import type { CommandRunner } from '../services/worker/command-runner.ts';
import { pollFromSource } from '../services/worker/poll-source.ts';
import { SnmpPoller } from '../services/worker/snmp-poller.ts';
import { printerValues } from '../test/snmp/printer-fixture.ts';
import { startTestSnmpd, TEST_COMMUNITY, TEST_V3_AUTH_KEY, TEST_V3_PRIV_KEY, TEST_V3_USER } from '../test/snmp/test-snmpd.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'in-flight': { type: 'string', default: '4' },
    'warmup-seconds': { type: 'string', default: '3' },
    'max-repetitions': { type: 'string', default: String(DEFAULT_SNMP_MAX_REPETITIONS) },
    mode: { type: 'string', default: 'all' },
  },
});
if (values.mode !== 'all' && values.mode !== 'worker') throw new Error(`--mode must be all or worker, got ${values.mode}`);
const workerOnly = values.mode === 'worker';
const seconds = Number(values.seconds);
const inFlight = Number(values['in-flight']);
const warmupSeconds = Number(values['warmup-seconds']);
const maxRepetitions = Number(values['max-repetitions']);

const V2C: SnmpSecurity = { version: '2c', community: TEST_COMMUNITY };
const V3: SnmpSecurity = { version: '3', user: TEST_V3_USER, level: 'authPriv', authProtocol: 'sha', authKey: TEST_V3_AUTH_KEY, privProtocol: 'aes', privKey: TEST_V3_PRIV_KEY };

interface Row {
  name: string;
  polls: number;
  failures: number;
  pollsPerSec: number;
  cpuMsPerPoll: number;
}

/** `poll` gets its lane (0..in-flight - 1): the worker's path polls one host per lane. */
async function measure(name: string, poll: (lane: number) => Promise<boolean>): Promise<Row> {
  const run = async (durationMs: number): Promise<{ polls: number; failures: number; elapsedMs: number; cpuMs: number }> => {
    let polls = 0;
    let failures = 0;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const deadline = start + durationMs;
    await Promise.all(Array.from({ length: inFlight }, async (_, lane) => {
      while (performance.now() < deadline) {
        if (await poll(lane)) polls++;
        else failures++;
      }
    }));
    const cpu = process.cpuUsage(cpuStart);
    return { polls, failures, elapsedMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  await run(warmupSeconds * 1000);
  const result = await run(seconds * 1000);
  return {
    name,
    polls: result.polls,
    failures: result.failures,
    pollsPerSec: result.polls / (result.elapsedMs / 1000),
    cpuMsPerPoll: result.cpuMs / Math.max(1, result.polls + result.failures),
  };
}

// A printer has no SSH: the worker's path must never run a command.
const NO_SSH: CommandRunner = {
  run: () => Promise.reject(new Error('an SNMP host was polled over SSH')),
  close: () => undefined,
};

function bareSession(security: SnmpSecurity, port: number): Session {
  const options = { port, timeout: 2000, retries: 1 };
  const session = security.version === '2c'
    ? snmp.createSession('127.0.0.1', security.community, { ...options, version: snmp.Version2c })
    : snmp.createV3Session('127.0.0.1', {
        name: security.user, level: snmp.SecurityLevel.authPriv, authProtocol: snmp.AuthProtocols.sha, authKey: TEST_V3_AUTH_KEY,
        privProtocol: snmp.PrivProtocols.aes, privKey: TEST_V3_PRIV_KEY,
      }, options);
  session.on('error', () => undefined);
  return session;
}

function bareGet(session: Session, oids: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    session.get(oids, (error) => resolve(!error));
  });
}

const agent = await startTestSnmpd(printerValues());
try {
  // The same leaves pollSnmp reads: the system group and every cell the printer serves.
  const leaves = [...SYSTEM_SCALARS, ...printerValues().map(([oid]) => oid)];
  const rows: Row[] = [];
  for (const [label, security] of [['v2c', V2C], ['v3 authPriv', V3]] as const) {
    const target: SnmpTarget = { name: 'printer', address: '127.0.0.1', port: agent.port, profile: 'printer', security };
    rows.push(await measure(`pollSnmp printer (max-repetitions ${maxRepetitions}), ${label}`, async () => (await pollSnmp(target, { maxRepetitions })).kind === 'report'));
    const poller = new SnmpPoller({ maxRepetitions });
    const hosts: HostTarget[] = Array.from({ length: inFlight }, (_, lane) => ({
      name: `printer-${lane}`, connection: 'ssh', address: '127.0.0.1', port: 22, user: 'nobody', privateKeyFile: null, intervalSec: 10, groups: [],
      source: 'snmp', snmp: { port: agent.port, profile: 'printer', security },
    }));
    let seq = 0;
    rows.push(await measure(`worker path (pollFromSource, kept session per host), ${label}`, async (lane) => {
      const host = hosts[lane] as HostTarget;
      const now = Date.now();
      const outcome = await pollFromSource(NO_SSH, { target: host, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 }, undefined, { snmp: poller });
      return outcome.result.kind === 'sample';
    }));
    const sessionsOpened = poller.sessionsOpened;
    poller.close();
    console.error(`worker path, ${label}: ${sessionsOpened} sessions opened for ${inFlight} hosts`);
    if (workerOnly) {
      const shared = bareSession(security, agent.port);
      rows.push(await measure(`bare GET of ${leaves.length} OIDs, one reused session, ${label}`, async () =>
        (await bareGet(shared, [...SYSTEM_SCALARS])) && (await bareGet(shared, leaves.slice(SYSTEM_SCALARS.length)))));
      shared.close();
      continue;
    }
    rows.push(await measure(`bare GET of ${leaves.length} OIDs, new session per poll, ${label}`, async () => {
      const session = bareSession(security, agent.port);
      try {
        // Two GETs as pollSnmp's GET and walk; one would not fit a v3 agent's default message size.
        return (await bareGet(session, [...SYSTEM_SCALARS])) && (await bareGet(session, leaves.slice(SYSTEM_SCALARS.length)));
      } finally {
        session.close();
      }
    }));
    const shared = bareSession(security, agent.port);
    rows.push(await measure(`bare GET of ${leaves.length} OIDs, one reused session, ${label}`, async () =>
      (await bareGet(shared, [...SYSTEM_SCALARS])) && (await bareGet(shared, leaves.slice(SYSTEM_SCALARS.length)))));
    shared.close();
  }
  const load = loadavg().map((value) => value.toFixed(2)).join(' ');
  console.log(`SNMP printer polls against a local snmpd, ${inFlight} in flight, ${seconds} s each after ${warmupSeconds} s warm-up; load average at the end: ${load}`);
  for (const row of rows) {
    console.log(`${row.name.padEnd(62)} ${row.pollsPerSec.toFixed(0).padStart(6)} polls/s  ${row.cpuMsPerPoll.toFixed(2).padStart(6)} ms client CPU/poll  (${row.polls} polls, ${row.failures} failed)`);
  }
} finally {
  await agent.stop();
}
