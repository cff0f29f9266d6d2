import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import type { HostMetricsRow, HostMetricsSample } from '../../lib/db/queries/select-host-metrics.ts';
import { HOSTS_PER_CHUNK, HOST_METRIC_FAMILIES, escapeLabelValue, renderHostMetrics } from '../../lib/metrics/host-metrics-text.ts';
import { parsePrometheusText, valueOf } from './prometheus-text.ts';

const TS = Date.parse('2025-03-01T12:00:00.000Z');

function latest(fields: Partial<HostMetricsSample> = {}): HostMetricsSample {
  return {
    ts: TS, cpuBusyPct: 75.78, cpuCount: 2, cpuModes: { user: 54.54, nice: 1.52, system: 13.62, idle: 23.47, iowait: 0.75, irq: 0.77, softirq: 3.05, steal: 2.27, guest: 0 },
    perCoreBusyPct: [78.44, 53.51], memTotalBytes: 8_459_479_040, memAvailableBytes: 6_769_018_880, memBuffersBytes: 203_070_464, memCachedBytes: 3_046_057_984,
    swapTotalBytes: 0, swapUsedBytes: 0, load1: 2.64, load5: 2.72, load15: 2.73, uptimeSec: 30327003.43, processesBlocked: 1,
    contextSwitchesPerSec: 21072.8, interruptsPerSec: 9480.3, forksPerSec: 3.2, clockOffsetSec: -3,
    filesystems: [
      { mount: '/', device: '/dev/vda1', fsType: 'ext4', sizeBytes: 100, usedBytes: 60, availableBytes: 40, usedPct: 60, inodesUsedPct: 12.5 },
      { mount: '/mnt/a "quoted" \\ dir', device: 'server:/export', fsType: null, sizeBytes: 10, usedBytes: 1, availableBytes: 9, usedPct: 10, inodesUsedPct: null },
    ],
    interfaces: [
      { name: 'eth0', rxBytesPerSec: 7929067.8, txBytesPerSec: 3672632.8, rxPacketsPerSec: 9911.3, txPacketsPerSec: 6121, rxErrors: 2, txErrors: 0, rxDrops: 1, txDrops: 0, operState: 'up' },
      { name: 'eth1', rxBytesPerSec: 0, txBytesPerSec: 0, operState: 'lowerlayerdown' },
      { name: 'wg0', rxBytesPerSec: 0, txBytesPerSec: 0 },
    ],
    disks: [{ name: 'vda', readBytesPerSec: 12712396.8, writeBytesPerSec: 2525849.6, readIops: 387.9, writeIops: 205.6, busyPct: 23.81, readLatencyMs: 0.4, writeLatencyMs: null }],
    gpus: [{ index: 0, uuid: 'GPU-1', name: 'NVIDIA A100', utilizationPct: 97, memoryUtilizationPct: 40, memoryUsedBytes: 1000, memoryTotalBytes: 4000, temperatureC: 71, powerDrawW: 250.5, powerLimitW: null }],
    pressure: { cpu: { some: { avg10: 3.64, avg60: 2, avg300: 1 }, full: null }, io: { some: { avg10: 0.86, avg60: 0.86, avg300: 0.86 }, full: { avg10: 0.2, avg60: 0.2, avg300: 0.2 } }, memory: null },
    checks: [{ id: 'https', kind: 'http', ok: true, latencyMs: 12.5, statusCode: 200, certDaysLeft: 40 }, { id: 'ssh-port', kind: 'tcp', ok: false, reason: 'refused' }],
    ...fields,
  };
}

function host(name: string, fields: Partial<HostMetricsRow> = {}): HostMetricsRow {
  return {
    name, groups: ['web', 'prod'], status: 'up', intervalSec: 10, parent: null, hostname: `${name}.internal`, osName: 'Debian GNU/Linux', osVersion: '12',
    kernel: '6.1.0-18-amd64', architecture: 'x86_64', cpuModel: 'AMD EPYC 7B13', bootTime: TS - 86_400_000, latest: latest(), ...fields,
  };
}

const render = (hosts: HostMetricsRow[]): string => [...renderHostMetrics(hosts)].join('');

/** promtool, Prometheus' own checker of the text format and of its naming conventions. */
function promtoolCheck(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) throw new Error(`promtool could not run (apt-get install prometheus): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

void describe('renderHostMetrics', () => {
  const hosts = [
    host('web-1'),
    host('db-1', { status: 'down', latest: null, groups: [] }),
    host('new-1', { status: 'unknown', latest: null, groups: [], hostname: null, osName: null, osVersion: null, kernel: null, architecture: null, cpuModel: null, bootTime: null }),
    host('vc/vm "1"', { parent: 'vc', latest: latest({ cpuModes: null, perCoreBusyPct: [], gpus: [], checks: [], pressure: null, filesystems: [], disks: [] }) }),
  ];
  const text = render(hosts);
  const samples = parsePrometheusText(text);

  void test('promtool finds the text well formed and every name following Prometheus conventions', () => {
    const { status, output } = promtoolCheck(text);
    assert.equal(output, '');
    assert.equal(status, 0);
  });

  void test('promtool is strict enough to refuse a name that breaks the conventions', () => {
    const { status, output } = promtoolCheck('# HELP vigil_host_processes_total x\n# TYPE vigil_host_processes_total gauge\nvigil_host_processes_total{host="a"} 1\n');
    assert.notEqual(status, 0);
    assert.match(output, /_total/);
  });

  void test('each family is one block: its HELP and TYPE, then every host\'s series', () => {
    const seen: string[] = [];
    for (const line of text.split('\n').filter((l) => l !== '')) {
      const name = line.startsWith('#') ? line.split(' ')[2] : line.slice(0, line.indexOf('{'));
      assert.ok(name !== undefined);
      if (seen.at(-1) !== name) {
        assert.ok(!seen.includes(name), `${name} appears in two places`);
        seen.push(name);
        assert.match(line, new RegExp(`^# HELP ${name} `));
      }
    }
    assert.deepEqual(seen, HOST_METRIC_FAMILIES.map((f) => f.name).filter((name) => seen.includes(name)));
    assert.ok(seen.length >= 50, `only ${seen.length} families`);
  });

  void test('a large fleet comes in chunks of HOSTS_PER_CHUNK hosts, a family\'s header on its first; together one block per family', () => {
    // GPUs only on hosts past the first chunk: that family's header comes with its first series.
    const fleet = Array.from({ length: 2 * HOSTS_PER_CHUNK + 3 }, (_, i) =>
      host(`h${String(i).padStart(4, '0')}`, i < HOSTS_PER_CHUNK + 10 ? { latest: latest({ gpus: [] }) } : {}));
    const chunks = [...renderHostMetrics(fleet)];
    const whole = chunks.join('');
    const ofFamily = (name: string): string[] => chunks.filter((chunk) => chunk.startsWith(`${name}{`) || chunk.startsWith(`# HELP ${name} `));
    const up = ofFamily('vigil_host_up');
    assert.equal(up.length, 3);
    assert.ok(up[0]!.startsWith('# HELP vigil_host_up '));
    assert.ok(!up[1]!.includes('# HELP') && !up[2]!.includes('# TYPE'));
    assert.deepEqual(up.map((chunk) => chunk.split('\n').filter((l) => l.startsWith('vigil_host_up{')).length), [HOSTS_PER_CHUNK, HOSTS_PER_CHUNK, 3]);
    const gpu = ofFamily('vigil_host_gpu_temperature_celsius');
    assert.equal(gpu.length, 2);
    assert.match(gpu[0]!, /^# HELP vigil_host_gpu_temperature_celsius [^\n]*\n# TYPE vigil_host_gpu_temperature_celsius gauge\nvigil_host_gpu_temperature_celsius\{host="h0260"/);
    const headers = whole.split('\n').filter((l) => l.startsWith('# HELP '));
    assert.equal(new Set(headers).size, headers.length, 'one header per family');
    assert.equal(parsePrometheusText(whole).filter((sample) => sample.name === 'vigil_host_up').length, fleet.length);
    assert.equal(promtoolCheck(whole).status, 0, promtoolCheck(whole).output);
  });

  void test('up from the host status; no up before the first poll', () => {
    assert.equal(valueOf(samples, 'vigil_host_up', { host: 'web-1' }), 1);
    assert.equal(valueOf(samples, 'vigil_host_up', { host: 'db-1' }), 0);
    assert.equal(valueOf(samples, 'vigil_host_up', { host: 'new-1' }), undefined);
  });

  void test('percentages become ratios without a float tail; milliseconds seconds', () => {
    assert.match(text, /^vigil_host_cpu_busy_ratio\{host="web-1"\} 0\.7578$/m);
    assert.equal(valueOf(samples, 'vigil_host_cpu_mode_ratio', { host: 'web-1', mode: 'iowait' }), 0.0075);
    assert.equal(valueOf(samples, 'vigil_host_cpu_core_busy_ratio', { host: 'web-1', cpu: '1' }), 0.5351);
    assert.equal(valueOf(samples, 'vigil_host_disk_busy_ratio', { host: 'web-1', device: 'vda' }), 0.2381);
    assert.equal(valueOf(samples, 'vigil_host_disk_read_latency_seconds', { host: 'web-1', device: 'vda' }), 0.0004);
    assert.equal(valueOf(samples, 'vigil_host_pressure_ratio', { host: 'web-1', resource: 'io', kind: 'full', window: '60s' }), 0.002);
    assert.equal(valueOf(samples, 'vigil_host_check_latency_seconds', { host: 'web-1', check: 'https', kind: 'http' }), 0.0125);
    assert.equal(valueOf(samples, 'vigil_host_sample_timestamp_seconds', { host: 'web-1' }), TS / 1000);
    assert.equal(valueOf(samples, 'vigil_host_boot_time_seconds', { host: 'web-1' }), (TS - 86_400_000) / 1000);
  });

  void test('levels and rates as stored, per device where they are', () => {
    assert.equal(valueOf(samples, 'vigil_host_memory_total_bytes', { host: 'web-1' }), 8_459_479_040);
    assert.equal(valueOf(samples, 'vigil_host_load15', { host: 'web-1' }), 2.73);
    assert.equal(valueOf(samples, 'vigil_host_clock_offset_seconds', { host: 'web-1' }), -3);
    assert.equal(valueOf(samples, 'vigil_host_filesystem_avail_bytes', { host: 'web-1', mountpoint: '/', device: '/dev/vda1', fstype: 'ext4' }), 40);
    assert.equal(valueOf(samples, 'vigil_host_network_receive_bytes_per_second', { host: 'web-1', device: 'eth0' }), 7929067.8);
    assert.equal(valueOf(samples, 'vigil_host_network_receive_errors', { host: 'web-1', device: 'eth0' }), 2);
    // As node_exporter's node_network_up: 1 for operstate "up", 0 for any other; no series where it is not known.
    assert.equal(valueOf(samples, 'vigil_host_network_up', { host: 'web-1', device: 'eth0' }), 1);
    assert.equal(valueOf(samples, 'vigil_host_network_up', { host: 'web-1', device: 'eth1' }), 0);
    assert.equal(valueOf(samples, 'vigil_host_network_up', { host: 'web-1', device: 'wg0' }), undefined);
    assert.equal(valueOf(samples, 'vigil_host_gpu_temperature_celsius', { host: 'web-1', gpu: '0', uuid: 'GPU-1', name: 'NVIDIA A100' }), 71);
    assert.equal(valueOf(samples, 'vigil_host_check_up', { host: 'web-1', check: 'ssh-port', kind: 'tcp' }), 0);
    assert.equal(valueOf(samples, 'vigil_host_check_http_status_code', { host: 'web-1', check: 'https', kind: 'http' }), 200);
    assert.equal(valueOf(samples, 'vigil_host_check_certificate_remaining_seconds', { host: 'web-1', check: 'https', kind: 'http' }), 40 * 86_400);
  });

  void test('a figure the sample lacks has no series, never a 0 or NaN', () => {
    assert.doesNotMatch(text, /NaN|undefined|null/);
    assert.equal(valueOf(samples, 'vigil_host_disk_write_latency_seconds', { host: 'web-1', device: 'vda' }), undefined);
    assert.equal(valueOf(samples, 'vigil_host_gpu_power_limit_watts', { host: 'web-1', gpu: '0', uuid: 'GPU-1', name: 'NVIDIA A100' }), undefined);
    assert.equal(samples.filter((s) => s.name === 'vigil_host_check_latency_seconds').length, 1);
    assert.equal(samples.filter((s) => s.name === 'vigil_host_pressure_ratio' && s.labels['resource'] === 'cpu').length, 3);
    // Hosts without a fresh sample: only up, info and interval.
    assert.deepEqual(samples.filter((s) => s.labels['host'] === 'db-1').map((s) => s.name).sort(), ['vigil_host_boot_time_seconds', 'vigil_host_info', 'vigil_host_poll_interval_seconds', 'vigil_host_up']);
    assert.deepEqual(samples.filter((s) => s.labels['host'] === 'new-1').map((s) => s.name).sort(), ['vigil_host_info', 'vigil_host_poll_interval_seconds']);
  });

  void test('info carries the facts present and the groups between commas', () => {
    const info = samples.find((s) => s.name === 'vigil_host_info' && s.labels['host'] === 'web-1');
    assert.deepEqual(info?.labels, {
      host: 'web-1', groups: ',web,prod,', hostname: 'web-1.internal', os: 'Debian GNU/Linux', os_version: '12', kernel: '6.1.0-18-amd64',
      architecture: 'x86_64', cpu_model: 'AMD EPYC 7B13',
    });
    assert.equal(info?.value, 1);
    assert.deepEqual(samples.find((s) => s.name === 'vigil_host_info' && s.labels['host'] === 'new-1')?.labels, { host: 'new-1', groups: ',,' });
    assert.equal(samples.find((s) => s.name === 'vigil_host_info' && s.labels['parent'] === 'vc')?.labels['host'], 'vc/vm \\"1\\"');
  });

  void test('label values are escaped as the format wants: backslash, quote, line feed', () => {
    assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
    assert.equal(escapeLabelValue('plain'), 'plain');
    assert.match(text, /mountpoint="\/mnt\/a \\"quoted\\" \\\\ dir"/);
  });

  void test('no hosts, no text', () => {
    assert.equal(render([]), '');
  });
});
