// `vigil poll`: polls hosts from the inventory once, right now, with the worker's own code, to
// check access and see what Vigil would store; `--all` is Vigil's `ansible -m ping`.
import { loadConfig } from '../../lib/config.ts';
import type { Sample } from '../../lib/collect/sample.ts';
import type { HostSnapshot } from '../../lib/collect/sample.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import type { PollFailure, PollResult } from '../../lib/poll/poll-messages.ts';
import type { CheckResult } from '../../lib/checks/check-result.ts';
import type { CommandRunner } from '../../services/worker/command-runner.ts';
import type { SnmpPoller } from '../../services/worker/snmp-poller.ts';
import type { VspherePoller } from '../../services/worker/vsphere-poller.ts';
import type { SshConnections } from '../../services/worker/ssh-connections.ts';
import type { LibvirtGuestMemory } from '../../services/worker/libvirt-guests.ts';
import { formatGuests } from './format-guests.ts';
import type { Command } from '../command.ts';
import { formatDuration } from '../../lib/format-duration.ts';

/** CPU and network figures are rates: a second poll this long after the first gives them. */
const RATE_WINDOW_MS = 1000;

export const pollCommand: Command = {
  summary: 'Poll one host (or --all) once and print what Vigil sees',
  usage: 'vigil poll HOST [-i INVENTORY] [--json] | vigil poll --all [-i INVENTORY] [--forks N] [--json]',
  details: [
    'HOST is a name from the inventory (default VIGIL_INVENTORY, else ansible.cfg\'s inventory, else inventory/hosts). The host is polled',
    `twice, ${RATE_WINDOW_MS / 1000} s apart over the same connection, so that CPU and network rates can be shown;`,
    'its service checks (vigil_checks) run with the second poll, as the worker runs them.',
    '--all polls every enabled host once and prints the failures grouped by reason; the exit status is 1',
    'when any host failed, as with ansible. Host keys are checked as the worker checks them',
    '(VIGIL_HOST_KEY_CHECKING, VIGIL_KNOWN_HOSTS).',
  ].join('\n'),
  options: {
    inventory: { type: 'string', short: 'i' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
    forks: { type: 'string' },
  },
  async run(values, positionals) {
    const config = loadConfig('up');
    const inventory = typeof values['inventory'] === 'string' ? values['inventory'] : config.inventory;
    const json = values['json'] === true;
    const all = values['all'] === true;
    if (all === (positionals.length > 0) || positionals.length > 1) {
      return fail('give one HOST, or --all');
    }
    const forks = values['forks'] === undefined ? 32 : Number(values['forks']);
    if (!Number.isInteger(forks) || forks < 1) return fail(`--forks must be a positive whole number, got ${String(values['forks'])}`);
    // Loaded here, not at the top: every other `vigil` command starts without ssh2 and the inventory reader.
    const { loadHostTargets } = await import('../../lib/inventory/to-host-target.ts');
    const { HostKeyStore: Store } = await import('../../services/worker/host-key-store.ts');
    const { SshConnections: Pool } = await import('../../services/worker/ssh-connections.ts');
    const { createLocalRunner } = await import('../../services/worker/local-runner.ts');
    const targets = await loadHostTargets(inventory);
    const pool: SshConnections = new Pool({
      connectTimeoutMs: 5000,
      hostKeys: new Store({ mode: config.hostKeyChecking, pinFile: config.knownHostsFile }),
    });
    const local = createLocalRunner();
    const { SnmpPoller: Snmp } = await import('../../services/worker/snmp-poller.ts');
    snmp = new Snmp();
    const { VspherePoller: Vsphere } = await import('../../services/worker/vsphere-poller.ts');
    vsphere = new Vsphere();
    const runnerFor = (t: HostTarget): CommandRunner => (t.connection === 'local' ? local : pool.runnerFor(t));
    try {
      if (all) await pollAll(targets, runnerFor, forks, json);
      else {
        const name = positionals[0] as string;
        const target = targets.find((t) => t.name === name);
        if (!target) return fail(`host '${name}' is not in the inventory ${inventory} (or has vigil_enabled=false)`);
        await pollOne(target, runnerFor(target), json);
      }
    } finally {
      pool.closeAll();
      local.close();
      snmp.close();
      await vsphere.close();
    }
  },
};

function fail(message: string): void {
  process.stderr.write(`vigil poll: ${message}\n`);
  process.exitCode = 1;
}

let seq = 0;
/** One for the command's run, so that an SNMP host's second poll has the first one's counters. */
let snmp: SnmpPoller | undefined;
/** One for the command's run, so that a vCenter's second poll (and --all's) reuse its login. */
let vsphere: VspherePoller | undefined;
/** Per host, for the same reason: the second poll's guest rates are measured against the first's counters. */
const libvirtMemories = new Map<string, LibvirtGuestMemory>();
async function pollOnce(target: HostTarget, runner: CommandRunner, previous?: HostSnapshot): Promise<{ result: PollResult; snapshot: HostSnapshot | null }> {
  // As the worker polls: a node_exporter host is scraped, with SSH standing in when it misses; with its checks.
  const { pollFromSource } = await import('../../services/worker/poll-source.ts');
  const { withHostChecks } = await import('../../services/worker/run-host-checks.ts');
  const { createLogger } = await import('../../lib/log.ts');
  const { libvirtGuestMemoryFor, withLibvirtGuests } = await import('../../services/worker/libvirt-guests.ts');
  const now = Date.now();
  const job = { target, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
  // As the worker: a KVM host's guests (vigil_libvirt) after its poll; why they are missing goes to stderr.
  const guests = () => withLibvirtGuests(runner, target, libvirtGuestMemoryFor(libvirtMemories, target.name),
    () => pollFromSource(runner, job, previous, { ...(snmp !== undefined && { snmp }), ...(vsphere !== undefined && { vsphere }) }), { log: createLogger({}, { level: 'warn' }) });
  return withHostChecks(runner, target, guests);
}

async function pollOne(target: HostTarget, runner: CommandRunner, json: boolean): Promise<void> {
  const first = await pollOnce(target, runner);
  let result = first.result;
  if (first.snapshot) {
    await new Promise((resolve) => setTimeout(resolve, RATE_WINDOW_MS));
    const second = await pollOnce(target, runner, first.snapshot);
    // A second poll that failed still leaves the first one's levels worth showing.
    if (second.result.kind === 'sample') result = second.result;
  }
  if (result.kind === 'failure') {
    if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else if (result.checks !== undefined) process.stdout.write(formatChecks(result.checks));
    fail(`${target.name}: ${result.reason}: ${result.message}`);
    return;
  }
  // The sample as it is, and beside its fields the entries seen through the host (a vCenter's
  // hypervisors and VMs, a KVM host's guests), each as the worker would store it.
  const children = result.children ?? [];
  const printed = children.length > 0 ? { ...result.sample, children } : result.sample;
  process.stdout.write(json ? JSON.stringify(printed, null, 2) + '\n' : formatSample(target, result.sample) + formatChecks(result.sample.checks ?? []) + formatGuests(target.name, children));
}

async function pollAll(targets: HostTarget[], runnerFor: (t: HostTarget) => CommandRunner, forks: number, json: boolean): Promise<void> {
  const results: PollResult[] = [];
  const progress = process.stderr.isTTY ? (done: number) => drawProgress(done, targets.length) : () => {};
  progress(0);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < targets.length) {
      const target = targets[next++] as HostTarget;
      results.push((await pollOnce(target, runnerFor(target))).result);
      progress(results.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(forks, targets.length) }, lane));
  if (process.stderr.isTTY) process.stderr.write('\n');
  const failures = results.filter((r): r is PollFailure => r.kind === 'failure');
  if (json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else process.stdout.write(formatSummary(targets.length, failures));
  if (failures.length > 0) process.exitCode = 1;
}

function drawProgress(done: number, total: number): void {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
}

export function formatSummary(total: number, failures: PollFailure[]): string {
  const lines = [`${total} host${total === 1 ? '' : 's'}: ${total - failures.length} ok, ${failures.length} failed`];
  const byReason = new Map<string, PollFailure[]>();
  for (const f of failures) byReason.set(f.reason, [...(byReason.get(f.reason) ?? []), f]);
  for (const [reason, list] of [...byReason].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    lines.push('', `${reason} (${list.length}):`);
    for (const f of list.sort((a, b) => a.host.localeCompare(b.host))) lines.push(`  ${f.host}: ${f.message}`);
  }
  return lines.join('\n') + '\n';
}

export function formatSample(target: HostTarget, s: Sample): string {
  const rows: Array<[string, string]> = [
    ['host', target.connection === 'local' ? `${target.name} (local)` : `${target.name} (${target.user}@${target.address}:${target.port})`],
    ['cpu', s.cpuBusyPct === null ? '—' : `${s.cpuBusyPct.toFixed(1)} % busy${s.cpuCount === null ? '' : ` of ${s.cpuCount} cpus`}`],
    ['load', s.load1 === null ? '—' : `${s.load1} ${s.load5} ${s.load15}`],
    ['memory', s.memTotalBytes === null || s.memAvailableBytes === null
      ? '—'
      : `${bytes(s.memTotalBytes - s.memAvailableBytes)} used of ${bytes(s.memTotalBytes)}${s.memUsedPct === null ? '' : ` (${s.memUsedPct.toFixed(1)} %)`}`],
    ['swap', s.swapTotalBytes === null ? '—' : `${bytes(s.swapUsedBytes ?? 0)} used of ${bytes(s.swapTotalBytes)}`],
    ['disk', s.diskUsedPctMax === null ? '—' : `fullest filesystem ${s.diskUsedPctMax.toFixed(1)} % used`],
    ['network', s.netRxBytesPerSec === null ? '—' : `in ${bytes(s.netRxBytesPerSec)}/s, out ${bytes(s.netTxBytesPerSec ?? 0)}/s`],
    ['uptime', s.uptimeSec === null ? '—' : duration(s.uptimeSec)],
  ];
  if (s.contextSwitchesPerSec != null || s.processesBlocked != null) {
    const rate = (value: number | null | undefined): string => (value == null ? '—' : value.toFixed(0));
    rows.push(['kernel', `${rate(s.contextSwitchesPerSec)} context switches/s, ${rate(s.interruptsPerSec)} interrupts/s, `
      + `${rate(s.forksPerSec)} forks/s, ${s.processesBlocked ?? '—'} blocked on I/O`]);
  }
  if (s.missing.length > 0) rows.push(['missing', s.missing.join(', ')]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const out = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (s.filesystems.length > 0) {
    const table = [['mount', 'size', 'used', 'avail', 'use%'], ...s.filesystems.map((f) => [f.mount, bytes(f.sizeBytes), bytes(f.usedBytes), bytes(f.availableBytes), `${f.usedPct.toFixed(0)}%`])];
    out.push('', 'filesystems', ...alignTable(table));
  }
  if (s.interfaces.length > 0) {
    // sar -n DEV's columns, and the errors and drops since the first poll; loopback and software interfaces marked.
    const count = (value: number | undefined): string => (value === undefined ? '—' : String(value));
    const perSec = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(1));
    const table = [['interface', 'rx/s', 'tx/s', 'rx pkt/s', 'tx pkt/s', 'rx err', 'tx err', 'rx drop', 'tx drop'], ...s.interfaces.map((i) => [
      `${i.name}${i.loopback === true ? ' (loopback)' : i.virtual === true ? ' (virtual)' : ''}`, bytes(i.rxBytesPerSec), bytes(i.txBytesPerSec),
      perSec(i.rxPacketsPerSec), perSec(i.txPacketsPerSec), count(i.rxErrors), count(i.txErrors), count(i.rxDrops), count(i.txDrops),
    ])];
    out.push('', 'interfaces', ...alignTable(table));
  }
  if (s.disks != null && s.disks.length > 0) {
    // iostat -x's columns: per second, and the average time a completed read (write) took.
    const ms = (value: number | null | undefined): string => (value == null ? '—' : `${value.toFixed(2)} ms`);
    const table = [['device', 'read/s', 'write/s', 'r/s', 'w/s', 'r_await', 'w_await', 'busy'], ...s.disks.map((d) => [
      d.name, bytes(d.readBytesPerSec), bytes(d.writeBytesPerSec), d.readIops.toFixed(1), d.writeIops.toFixed(1), ms(d.readLatencyMs), ms(d.writeLatencyMs), `${d.busyPct.toFixed(0)}%`,
    ])];
    out.push('', 'disks', ...alignTable(table));
  }
  return out.join('\n') + '\n';
}

/** Rows indented, the first column left-aligned and the others right-aligned. */
function alignTable(table: string[][]): string[] {
  const widths = (table[0] as string[]).map((_, i) => Math.max(...table.map((r) => (r[i] as string).length)));
  return table.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '));
}

/** The host's service checks, one line each: empty for a host without any. */
export function formatChecks(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '';
  // A named check shows its name and its id.
  const label = (c: CheckResult): string => (c.name === undefined ? c.id : `${c.name} (${c.id})`);
  const width = Math.max(...checks.map((c) => label(c).length));
  const lines = checks.map((c) => {
    const measured = [c.statusCode === undefined ? null : `HTTP ${c.statusCode}`, c.latencyMs === undefined ? null : `${c.latencyMs} ms`,
      c.activeState === undefined ? null : c.activeState, c.certDaysLeft === undefined ? null : `certificate ${c.certDaysLeft} d left`,
      c.ok && c.ageSec !== undefined ? `${formatDuration(c.ageSec)} old` : null]
      .filter((part) => part !== null).join(', ');
    const state = c.ok ? 'ok' : `FAILING (${c.reason ?? 'error'})`;
    return `  ${label(c).padEnd(width)}  ${state}${measured === '' ? '' : `  ${measured}`}${!c.ok && c.message ? `: ${c.message}` : ''}`;
  });
  return ['', 'checks', ...lines].join('\n') + '\n';
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function duration(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
}
