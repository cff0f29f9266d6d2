// What each poll script costs a monitored host, compared in short alternating slots
// (`node --import tsx bench/poll-script-cost.ts`): one bare ssh2 loop against N real OpenSSH hosts
// on loopback runs script A for a few seconds, then B, then C, ..., round after round, and sums
// each script's host CPU (the sshd trees, bench/proc-cpu.ts) and polls over its slots. On a shared
// machine whose load drifts by the minute, slots of seconds spread the drift over every script
// alike, which bench/poll.ts's per-script runs (a client process and a warm-up each) cannot.
// Scripts: the current light and full ones and the bench-only variants of poll-script-variants.ts
// (versions 3 and 4 of the scripts; `empty`, one builtin: the floor of any poll over SSH),
// each sent on stdin of `exec /bin/sh` as the worker did until 2026-11-24 (two shells per poll);
// `NAME as command` sends it as the exec command instead (the worker's command path, one shell),
// `NAME on stdin now` on stdin behind the login shell report (the worker's first poll on a connection).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import ssh2 from 'ssh2';
import type { Client } from 'ssh2';
import { fileCheckScript } from '../lib/checks/file-check-script.ts';
import { systemdCheckScript } from '../lib/checks/systemd-check-script.ts';
import { POLL_SCRIPTS } from '../lib/collect/poll-script.ts';
import { commandPathText, STDIN_PATH_COMMAND, stdinPathText, wrapScript } from '../services/worker/script-delivery.ts';
import { startTreeCpuMeter } from './proc-cpu.ts';
import { SCRIPT_VARIANTS } from './poll-script-variants.ts';
import { startSshdFleet } from './sshd-fleet.ts';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '20' },
    'in-flight': { type: 'string', default: '8' },
    'slot-seconds': { type: 'string', default: '3' },
    rounds: { type: 'string', default: '10' },
    /** Comma-separated: light, full, files, systemd, or names of SCRIPT_VARIANTS; each optionally followed by " as command" or " on stdin now". */
    scripts: { type: 'string', default: 'light,light v3,light, shell reads,light without df' },
  },
});
const inFlight = Number(values['in-flight']);
const slotMs = Number(values['slot-seconds']) * 1000;
const rounds = Number(values.rounds);
const named: Record<string, string> = { light: POLL_SCRIPTS.light, full: POLL_SCRIPTS.full };
for (const [name, variant] of Object.entries(SCRIPT_VARIANTS)) named[name] = variant.text;
// The scripts a host's checks add after its poll, with values as the worker sends them (files that exist on every host).
named['files'] = fileCheckScript(['/etc/hostname', '/etc/passwd']);
named['systemd'] = systemdCheckScript(['ssh.service', 'cron.service']);
// Names may contain ", " ("light, shell reads"): split on commas not followed by a space.
const scripts = (values.scripts as string).split(/,(?! )/).map((name) => {
  const how = / as command$/.test(name) ? 'command' : / on stdin now$/.test(name) ? 'stdin now' : 'stdin';
  const base = name.replace(/ (as command|on stdin now)$/, '');
  const text = named[base];
  if (text === undefined) throw new Error(`no script named "${base}"; known: ${Object.keys(named).join(' | ')}`);
  const delivery: Delivery = how === 'command'
    ? { command: commandPathText(text), input: null }
    : { command: STDIN_PATH_COMMAND, input: Buffer.from(how === 'stdin' ? wrapScript(text) : stdinPathText(text)) };
  return { name, delivery, polls: 0, hostCpuMs: 0, bytes: 0, slots: [] as number[] };
});

const fleet = await startSshdFleet(Number(values.hosts));
const key = readFileSync(fleet.clientKeyFile);
const clients = await Promise.all(fleet.hosts.map((host) => new Promise<Client>((resolve, reject) => {
  const client = new ssh2.Client();
  client.on('ready', () => resolve(client)).on('error', reject);
  client.connect({ host: '127.0.0.1', port: host.port, username: fleet.user, privateKey: key, readyTimeout: 60_000 });
})));
const loadAtStart = loadavg()[0] ?? 0;
try {
  // One unmeasured slot of each first: sshd's and the page cache's first contact with each script.
  for (const script of scripts) await runSlot(script.delivery);
  for (let round = 0; round < rounds; round++) {
    for (const script of scripts) {
      const meter = await startTreeCpuMeter(fleet.pids);
      const slot = await runSlot(script.delivery);
      const hostCpuMs = await meter.stop();
      script.polls += slot.polls;
      script.bytes += slot.bytes;
      script.hostCpuMs += hostCpuMs;
      script.slots.push(hostCpuMs / Math.max(1, slot.polls));
    }
    process.stderr.write(`round ${round + 1} of ${rounds}, load average ${loadavg()[0]?.toFixed(1)}\n`);
  }
} finally {
  for (const client of clients) client.end();
  await fleet.stop();
}

const lines = [
  '',
  `poll script cost, ${new Date().toISOString().slice(0, 10)}, ${fleet.hosts.length} OpenSSH hosts, ${inFlight} polls in flight, `
    + `${rounds} rounds of ${values['slot-seconds']} s slots per script; 1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]?.toFixed(1)} at the end`,
  '',
  '| script | polls | bytes/poll | host CPU ms/poll | median of slots | vs first |',
  '|---|---|---|---|---|---|',
];
const first = scripts[0];
for (const script of scripts) {
  const perPoll = script.hostCpuMs / Math.max(1, script.polls);
  const firstPerPoll = first ? first.hostCpuMs / Math.max(1, first.polls) : perPoll;
  lines.push(`| ${script.name} | ${script.polls} | ${(script.bytes / Math.max(1, script.polls)).toFixed(0)} | ${perPoll.toFixed(2)} | `
    + `${median(script.slots).toFixed(2)} | ${(perPoll / firstPerPoll).toFixed(2)} |`);
}
process.stdout.write(lines.join('\n') + '\n');
process.exit(0);

/** Polls with `inFlight` loops for one slot, each host never twice at once; whatever is in flight at the end finishes in it. */
async function runSlot(delivery: Delivery): Promise<{ polls: number; bytes: number }> {
  const idle = [...clients];
  let polls = 0;
  let bytes = 0;
  const endAt = performance.now() + slotMs;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < endAt) {
      const client = idle.shift();
      if (!client) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      // Not `bytes += await ...`: that reads bytes before the await, and the other loops' additions are lost.
      const received = await exec(client, delivery);
      bytes += received;
      idle.push(client);
      polls++;
    }
  }));
  return { polls, bytes };
}

interface Delivery {
  command: string;
  input: Buffer | null;
}

function exec(client: Client, delivery: Delivery): Promise<number> {
  return new Promise((resolve, reject) => {
    client.exec(delivery.command, (err, stream) => {
      if (err) return reject(err);
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.stderr.on('data', () => {});
      stream.on('close', () => resolve(bytes));
      if (delivery.input) stream.end(delivery.input);
      else stream.end();
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
