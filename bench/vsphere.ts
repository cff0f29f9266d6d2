// Polls per second of the vSphere source against govmomi's vCenter simulator on loopback (VPX
// model: 4 hypervisors, 4 VMs), next to a bare RetrieveServiceContent loop from the same run:
// the bare loop is the floor of one SOAP round trip, so each figure reads as a ratio against it.
//   node --import tsx bench/vsphere.ts [seconds per measure, default 5]
import { loadavg } from 'node:os';
import { startVcsim } from '../test/support/vcsim.ts';
import { pollVsphere } from '../lib/vsphere/poll-vsphere.ts';
import { VsphereClient } from '../lib/vsphere/vsphere-client.ts';
import { VsphereSession } from '../lib/vsphere/vsphere-session.ts';
import type { PollJob } from '../lib/poll/poll-messages.ts';
import { VspherePoller } from '../services/worker/vsphere-poller.ts';

const seconds = Number(process.argv[2] ?? 5);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

interface Figure {
  name: string;
  perSec: number;
  clientCpuMsPer: number;
}

/** Runs `once` in `parallel` loops for `seconds`; counts completions and this process's CPU. */
async function measure(name: string, parallel: number, once: (lane: number) => Promise<void>): Promise<Figure> {
  const deadline = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let count = 0;
  await Promise.all(Array.from({ length: parallel }, async (_, lane) => {
    while (performance.now() < deadline) {
      await once(lane);
      count++;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { name, perSec: count / elapsed, clientCpuMsPer: (cpu.user + cpu.system) / 1000 / count };
}

const sim = await startVcsim({ guestInfo: true });
const options = { url: sim.url, tls: { verify: 'system' } as const, timeoutMs: 15_000 };
const credentials = { user: sim.user, password: sim.password };
const target = { name: 'bench', url: sim.url, user: sim.user, password: sim.password, tls: { verify: 'system' } as const };
const figures: Figure[] = [];
console.log(`load before: ${load()}`);
try {
  const bare = new VsphereClient(options);
  const sessions = await Promise.all([0, 1, 2, 3].map(() => VsphereSession.open(options, credentials)));
  // Warm-up: first connections, the container views, JIT.
  for (const session of sessions) await session.inventory();
  await bare.call('RetrieveServiceContent', { type: 'ServiceInstance', value: 'ServiceInstance' });

  figures.push(await measure('bare RetrieveServiceContent, 1 in flight', 1, async () => {
    await bare.call('RetrieveServiceContent', { type: 'ServiceInstance', value: 'ServiceInstance' });
  }));
  figures.push(await measure('inventory poll, logged-in session, 1 in flight', 1, async () => {
    await sessions[0]?.inventory();
  }));
  figures.push(await measure('inventory poll, 4 sessions in flight', 4, async (lane) => {
    await sessions[lane]?.inventory();
  }));
  // The worker's path: the kept session's retrieve plus the parent sample and 8 child samples.
  const poller = new VspherePoller({ timeoutMs: 15_000 });
  const job: PollJob = {
    target: { name: 'bench', connection: 'ssh', address: '127.0.0.1', port: 22, user: 'x', privateKeyFile: null, intervalSec: 10, groups: [], source: 'vsphere',
      vsphere: { url: sim.url, user: sim.user, password: sim.password, tls: { verify: 'system' } } },
    seq: 0, scheduledAt: 0, expiresAt: Number.MAX_SAFE_INTEGER,
  };
  await poller.poll(job);
  figures.push(await measure('worker poll (VspherePoller: kept session, samples), 1 in flight', 1, async () => {
    const result = await poller.poll(job);
    if (result.kind !== 'sample') throw new Error(`${result.reason}: ${result.message}`);
  }));
  await poller.close();
  figures.push(await measure('full poll (connect, login, view, retrieve, logout), 1 in flight', 1, async () => {
    const result = await pollVsphere(target);
    if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  }));
  bare.close();
  for (const session of sessions) await session.close();
} finally {
  await sim.stop();
}
const floor = figures[0]?.perSec ?? 1;
for (const f of figures) {
  console.log(`${f.name.padEnd(70)} ${f.perSec.toFixed(0).padStart(6)}/s  ${(f.perSec / floor).toFixed(2)}× bare  client CPU ${f.clientCpuMsPer.toFixed(2)} ms each`);
}
console.log(`load after: ${load()} (${seconds} s per figure, simulator and client on the same 2 CPUs)`);
