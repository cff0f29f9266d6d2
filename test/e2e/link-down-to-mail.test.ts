// A network link that goes down on a host, to the inbox and back, with every part real: the poll
// script's operstate files answered by a simulated SSH host, the worker's parse, the evaluator's
// interface_down rule and the alerter's mail through a real SMTP server, wired as `vigil up` is.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startAlertPipeline, type AlertPipeline } from '../support/alert-pipeline.ts';
import { waitFor } from '../support/wait-for.ts';

let pipeline: AlertPipeline;

before(async () => {
  pipeline = await startAlertPipeline({
    hosts: 1,
    for: '0s',
    groupWait: '0s',
    rules: ['{ name: interface_down, kind: interface-down, severity: warning, summary: Network link down }'],
  });
  // Two polls give rates, and so the links' states: seen up.
  await pipeline.waitForCpuFigures(60_000);
});

after(async () => {
  await pipeline?.close();
});

test('a physical link that goes down is mailed naming host and interface; back up, its recovery; the bridge and veths never', async () => {
  const { sim, smtp, hosts } = pipeline;
  const host = hosts[0] as string;
  const state = sim.stateOf(host);
  const nic = state.interfaces.find((iface) => iface.name !== 'lo' && !iface.name.startsWith('docker') && !iface.name.startsWith('veth'));
  assert.ok(nic, 'every simulated host has a NIC');
  // Software interfaces going down are no news (a docker0 with no container is down). The
  // simulator's first host has docker0 and a veth; without them this would check nothing.
  const software = state.interfaces.filter((iface) => iface.name.startsWith('docker') || iface.name.startsWith('veth'));
  assert.ok(software.length > 0, `no software interface on ${host}: ${state.interfaces.map((iface) => iface.name).join(', ')}`);
  for (const iface of software) iface.operState = 'down';
  await waitFor('a sample stored with the link up', 30_000, async () => {
    const row = await pipeline.database.db.selectFrom('samples').select('interfaces').where('host', '=', host).orderBy('ts', 'desc').limit(1).executeTakeFirst();
    const stored = (row?.interfaces ?? []) as Array<{ name: string; operState?: string }>;
    return stored.find((iface) => iface.name === nic.name)?.operState === 'up' ? true : undefined;
  });

  nic.operState = 'down';
  const mail = await waitFor('the link-down mail', 30_000, () => smtp.mails.find((m) => m.subject === `[WARNING] ${host}: interface_down`));
  assert.match(mail.text, new RegExp(`Network link down ${nic.name}`));

  nic.operState = 'up';
  await waitFor('the recovery mail', 30_000, () => smtp.mails.find((m) => m.subject === `[RESOLVED] ${host}: interface_down`));
  const about = smtp.mails.filter((m) => m.subject.includes('interface_down'));
  assert.equal(about.length, 2, about.map((m) => m.subject).join('; '));
  for (const m of about) assert.doesNotMatch(m.text, /docker0|veth/, 'no software interface is told of');
});
