// Which source a poll reads. A host with `vigil_source: node_exporter` is scraped; when the
// scrape misses (refused, timeout, not 200, not node_exporter's text) that one poll goes over SSH
// instead, and the next poll tries the exporter again. A host with `vigil_source: snmp` is polled
// over SNMP only (a printer has no SSH to fall back to); `vigil_source: vsphere` over the vSphere
// API only (its hypervisors and VMs come back as children of the result). Every other host is
// polled over SSH as before.
import { buildSample } from '../../lib/collect/build-sample.ts';
import { carryFilesystems } from '../../lib/collect/carry-filesystems.ts';
import { isEmptyNodeExporterSnapshot, nodeExporterSnapshot, sumCpuTimes } from '../../lib/collect/node-exporter-snapshot.ts';
import { parsePrometheusText } from '../../lib/collect/parse-prometheus-text.ts';
import type { HostSnapshot, Sample } from '../../lib/collect/sample.ts';
import type { PollSource } from '../../lib/collect/source-from-vars.ts';
import { defaultNodeExporterUrl } from '../../lib/collect/source-from-vars.ts';
import type { PollJob, PollResult } from '../../lib/poll/poll-messages.ts';
import { PollError } from './command-runner.ts';
import type { CommandRunner } from './command-runner.ts';
import { pollHost } from './poll-host.ts';
import type { PollHostOptions, PollHostOutcome } from './poll-host.ts';
import { DEFAULT_SCRAPE_LIMITS, scrapeNodeExporter } from './scrape-node-exporter.ts';
import type { ScrapeLimits } from './scrape-node-exporter.ts';
import { SnmpPoller } from './snmp-poller.ts';
import { VspherePoller } from './vsphere-poller.ts';

export interface PollSourceOptions extends PollHostOptions {
  scrapeLimits?: ScrapeLimits;
  /**
   * The worker's SNMP sessions and previous reports (its owner closes it). Absent: a poller for
   * this one poll, so no session reuse and no rates (`vigil poll` once).
   */
  snmp?: SnmpPoller;
  /** The worker's vSphere sessions (its owner closes it). Absent: a login for this one poll. */
  vsphere?: VspherePoller;
}

export interface PollSourceOutcome extends PollHostOutcome {
  /** Why the exporter was not used, when an SSH poll stood in for it; null otherwise. */
  exporterFailure: PollError | null;
}

/** As pollHost, for any source; `runner` is only used for SSH (and so only connects when needed). */
export async function pollFromSource(
  runner: CommandRunner,
  job: PollJob,
  previous: HostSnapshot | undefined,
  options: PollSourceOptions = {},
): Promise<PollSourceOutcome> {
  if (job.target.source === 'snmp') return { ...(await pollSnmpSource(job, options.snmp)), exporterFailure: null };
  if (job.target.source === 'vsphere') return { ...(await pollVsphereSource(job, options.vsphere)), exporterFailure: null };
  if (job.target.source !== 'node_exporter') {
    const outcome = await pollHost(runner, job, previous, options);
    return { result: outcome.result, snapshot: outcome.snapshot, exporterFailure: null };
  }
  const now = options.now ?? Date.now;
  const host = job.target.name;
  const startedAt = now();
  const url = job.target.nodeExporterUrl ?? defaultNodeExporterUrl(job.target.address);
  let exporterFailure: PollError;
  try {
    const scraped = nodeExporterSnapshot(parsePrometheusText(await scrapeNodeExporter(url, options.scrapeLimits ?? DEFAULT_SCRAPE_LIMITS)));
    if (isEmptyNodeExporterSnapshot(scraped)) {
      throw new PollError('output-unparseable', `the answer of ${host}'s node_exporter holds none of the node_* metrics Vigil reads`);
    }
    const snapshot = withKnownFacts(scraped, options.previousFull ?? previous);
    const finishedAt = now();
    const sample = buildSample(host, finishedAt, snapshot, previousAcrossSources(previous, 'node_exporter'), {
      processPatterns: job.target.processPatterns ?? [],
      includePseudoFilesystems: job.target.includePseudoFilesystems ?? false,
      ...(options.previousFull !== undefined && { previousFull: options.previousFull }),
    });
    const result = { host, seq: job.seq, scheduledAt: job.scheduledAt, startedAt, finishedAt, kind: 'sample' as const, sample: exporterSample(sample) };
    // Stamped with its time: an SSH fallback's light poll after it carries its filesystems.
    return { result, snapshot: carryFilesystems(snapshot, previous, finishedAt), exporterFailure: null };
  } catch (err) {
    exporterFailure = err instanceof PollError ? err : new PollError('error', err instanceof Error ? err.message : String(err), { cause: err });
  }
  const fallback = await pollHost(runner, job, previousAcrossSources(previous, 'ssh'), options);
  if (fallback.result.kind === 'sample') {
    return { ...fallback, result: { ...fallback.result, sample: { ...fallback.result.sample, source: 'ssh' } }, exporterFailure };
  }
  // Both missed: the SSH reason is the result's, since it says whether the host itself answers
  // (and only SSH can tell a changed host key); the message tells both stories.
  const message = `${exporterFailure.message}; SSH fallback: ${fallback.result.message}`;
  return { ...fallback, result: { ...fallback.result, startedAt, message }, exporterFailure };
}

/** What the SNMP and vSphere pollers have in common: one poll into a result, sessions kept until close. */
interface SessionPoller {
  poll(job: PollJob): Promise<PollResult>;
  close(): void | Promise<void>;
}

function pollSnmpSource(job: PollJob, poller: SnmpPoller | undefined): Promise<PollHostOutcome> {
  return pollThrough(job, poller, () => new SnmpPoller(), 'snmp');
}

function pollVsphereSource(job: PollJob, poller: VspherePoller | undefined): Promise<PollHostOutcome> {
  return pollThrough(job, poller, () => new VspherePoller(), 'vsphere');
}

/** One poll through the caller's poller, or through one made and closed for this poll alone. */
async function pollThrough(job: PollJob, poller: SessionPoller | undefined, create: () => SessionPoller, source: 'snmp' | 'vsphere'): Promise<PollHostOutcome> {
  const active = poller ?? create();
  try {
    const result = await active.poll(job);
    // The same empty snapshot for both: the worker keys "polled before" on it.
    return { result, snapshot: result.kind === 'sample' ? { ...snmpSnapshot(), source } : null };
  } finally {
    if (active !== poller) await active.close();
  }
}

/**
 * The SnmpPoller keeps what the next SNMP poll's rates need; the worker keys other things on a
 * host having a snapshot (a first contact is polled again a second later, so that rates show at
 * once), so a good SNMP poll gives an empty one. Light, so it never stands for a full poll, and
 * its source makes an SSH poll after it (the host's source changed) rate nothing across the switch.
 */
function snmpSnapshot(): HostSnapshot {
  return {
    script: 'light', source: 'snmp', cpuTotal: null, cpuPerCore: null, cpuCount: null, memory: null, load: null, uptimeSec: null,
    interfaces: null, virtualInterfaces: null, filesystems: null, disks: null, pressure: null, processes: null, failedUnits: null,
    gpus: null, facts: null, pollShellPid: null, unsupportedOs: null, missing: [],
  };
}

/**
 * `previous` as the base of rates for a snapshot from `source`. Both sources read the same /proc
 * counters, but not the same clock: node_exporter's uptime is its wall clock minus the whole-second
 * boot time, up to a second ahead of /proc/uptime. Across a switch CPU shares (ratios of ticks) and
 * the reboot check stay right, but a per-second rate could be 10% off at a 10 s interval: network
 * and disk rates skip that one poll instead. The all-CPU total of an SSH snapshot is /proc/stat's
 * "cpu" line, up to a tick per CPU ahead of the per-CPU sum the exporter's is: before an exporter
 * snapshot it becomes that sum, or a mode that did not move (nice, steal) would seem to go backwards.
 * (The other way, SSH after the exporter, the total grows by those few ticks more than it did.)
 * For the same reason an exporter snapshot's uptime counts as a second less before an SSH one:
 * otherwise an SSH poll within a second of it (a fallback right after, on a loaded host) reads
 * an uptime that went backwards, which is a reboot.
 */
/** node_exporter's uptime (now minus the whole-second boot time) runs up to this far ahead of /proc/uptime. */
const EXPORTER_UPTIME_LEAD_SEC = 1;

export function previousAcrossSources(previous: HostSnapshot | undefined, source: PollSource): HostSnapshot | undefined {
  if (previous === undefined || (previous.source ?? 'ssh') === source) return previous;
  const cpuTotal = source === 'node_exporter' && previous.cpuPerCore !== null ? sumCpuTimes(previous.cpuPerCore) : previous.cpuTotal;
  const uptimeSec = source === 'ssh' && previous.source === 'node_exporter' && previous.uptimeSec !== null
    ? Math.max(0, previous.uptimeSec - EXPORTER_UPTIME_LEAD_SEC)
    : previous.uptimeSec;
  return { ...previous, cpuTotal, uptimeSec, interfaces: null, disks: null };
}

/**
 * The exporter's facts, with what it does not report (the CPU model: node_cpu_info is off by
 * default) taken from the host's last full snapshot of any source. Otherwise a switch from SSH
 * to the exporter would store the model as gone until the next full SSH poll.
 */
export function withKnownFacts(snapshot: HostSnapshot, earlier: HostSnapshot | undefined): HostSnapshot {
  const known = earlier?.facts;
  const facts = snapshot.facts;
  if (facts === null || known === null || known === undefined) return snapshot;
  return {
    ...snapshot,
    facts: {
      hostname: facts.hostname ?? known.hostname,
      kernel: facts.kernel ?? known.kernel,
      osName: facts.osName ?? known.osName,
      osVersion: facts.osVersion ?? known.osVersion,
      cpuModel: facts.cpuModel ?? known.cpuModel,
      architecture: facts.architecture ?? known.architecture,
    },
  };
}

/** node_exporter lists no processes and no failed units: absent, as after a light poll, not "none". */
function exporterSample(sample: Sample): Sample {
  const { processes: _processes, failedUnits: _failedUnits, ...rest } = sample;
  return { ...rest, source: 'node_exporter' };
}
