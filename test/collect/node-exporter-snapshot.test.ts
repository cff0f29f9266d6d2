import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSample } from '../../lib/collect/build-sample.ts';
import { isEmptyNodeExporterSnapshot, MAX_DEVICES, nodeExporterSnapshot } from '../../lib/collect/node-exporter-snapshot.ts';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import { parsePrometheusText } from '../../lib/collect/parse-prometheus-text.ts';
import type { HostSnapshot } from '../../lib/collect/sample.ts';

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/node-exporter/${name}`, import.meta.url), 'utf8');
}

// The exporter's answer and the poll script's output, captured on one VM within the same second.
const exporter = nodeExporterSnapshot(parsePrometheusText(fixture('metrics.txt')));
const polled = parsePollOutput(fixture('poll-output.txt'));
/** node_time_seconds in metrics.txt: the exporter's clock when it was scraped. */
const NODE_TIME_SECONDS = 1.7954682288947608e9;

function fromText(text: string): HostSnapshot {
  return nodeExporterSnapshot(parsePrometheusText(text));
}

/** A small exposition with the figures a test varies; the rest fixed. */
function exposition(at: { timeSec: number; user: number; idle: number; rxBytes: number; readBytes: number; ioSec: number }): string {
  return [
    `node_boot_time_seconds 1.7e+09`,
    `node_time_seconds ${1.7e9 + at.timeSec}`,
    ...['0', '1'].flatMap((cpu) => [
      `node_cpu_seconds_total{cpu="${cpu}",mode="user"} ${at.user}`,
      `node_cpu_seconds_total{cpu="${cpu}",mode="system"} 10`,
      `node_cpu_seconds_total{cpu="${cpu}",mode="idle"} ${at.idle}`,
      `node_cpu_seconds_total{cpu="${cpu}",mode="iowait"} 0`,
    ]),
    'node_memory_MemTotal_bytes 8e+09',
    'node_memory_MemFree_bytes 1e+09',
    'node_memory_MemAvailable_bytes 6e+09',
    'node_load1 0.5', 'node_load5 0.25', 'node_load15 0.125',
    `node_network_receive_bytes_total{device="eth0"} ${at.rxBytes}`,
    'node_network_transmit_bytes_total{device="eth0"} 0',
    'node_disk_reads_completed_total{device="sda"} 100',
    'node_disk_writes_completed_total{device="sda"} 5',
    `node_disk_read_bytes_total{device="sda"} ${at.readBytes}`,
    'node_disk_written_bytes_total{device="sda"} 0',
    `node_disk_io_time_seconds_total{device="sda"} ${at.ioSec}`,
    'node_disk_reads_completed_total{device="sda1"} 100',
    'node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 1000',
    'node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 600',
    'node_filesystem_free_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 700',
    'node_filesystem_files{device="/dev/sda1",fstype="ext4",mountpoint="/"} 100',
    'node_filesystem_files_free{device="/dev/sda1",fstype="ext4",mountpoint="/"} 75',
    'node_uname_info{machine="x86_64",nodename="web1",release="6.1.0-18-amd64",sysname="Linux"} 1',
  ].join('\n');
}

/** Every number anywhere in the value is finite. */
function assertAllFinite(value: unknown, path = 'sample'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((item, i) => assertAllFinite(item, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertAllFinite(item, `${path}.${key}`);
}

void test("maps a real node_exporter answer to the figures the poll script read on the same machine", () => {
  assert.equal(exporter.source, 'node_exporter');
  assert.deepEqual(exporter.missing, ['processes', 'failed-units']);
  assert.equal(exporter.cpuCount, polled.cpuCount);
  assert.equal(exporter.cpuCount, 2);
  assert.equal(exporter.memory?.totalBytes, polled.memory?.totalBytes);
  assert.equal(exporter.memory?.swapTotalBytes, polled.memory?.swapTotalBytes);
  // Ticks, as /proc/stat counts them, a moment apart: the script ran just after the scrape.
  const exporterTotal = exporter.cpuTotal;
  const polledTotal = polled.cpuTotal;
  assert.ok(exporterTotal !== null && polledTotal !== null);
  for (const mode of ['user', 'system', 'idle', 'iowait', 'softirq'] as const) {
    const gap = polledTotal[mode] - exporterTotal[mode];
    assert.ok(gap >= 0 && gap < 200, `${mode}: ${exporterTotal[mode]} then ${polledTotal[mode]}`);
    assert.ok(Number.isInteger(exporterTotal[mode]));
  }
  assert.ok(exporter.uptimeSec !== null && polled.uptimeSec !== null && Math.abs(exporter.uptimeSec - polled.uptimeSec) < 2);
  // node_boot_time_seconds is /proc/stat's btime, the boot by the host's clock: with the uptime, the
  // exporter's node_time_seconds, the host's clock for its offset (this capture predates btime in the poll's).
  assert.equal(exporter.hostBootTimeSec, 1795466120);
  assert.ok(Math.abs((exporter.hostBootTimeSec ?? 0) + (exporter.uptimeSec ?? 0) - NODE_TIME_SECONDS) < 1e-6);
  assert.equal(exporter.load?.load15, polled.load?.load15);
  assert.deepEqual(exporter.disks?.map((d) => d.name), polled.disks?.map((d) => d.name));
  assert.deepEqual(exporter.disks?.map((d) => d.name), ['vda']);
  // node_disk_read_time_seconds_total 30.381 and write 75.798, in diskstats' milliseconds.
  assert.deepEqual(exporter.disks?.map((d) => [d.readMs, d.writeMs]), [[30_381, 75_798]]);
  // node_context_switches_total 5.201697e+06, node_intr_total 1.996168e+06, node_forks_total, node_procs_blocked.
  assert.deepEqual(exporter.activity, { contextSwitches: 5_201_697, interrupts: 1_996_168, forks: 31_591, procsBlocked: 0 });
  // node_exporter leaves out lo; every other interface is there.
  assert.deepEqual(exporter.interfaces?.map((i) => i.name).sort(), polled.interfaces?.map((i) => i.name).filter((name) => name !== 'lo').sort());
  assert.deepEqual(exporter.facts, { hostname: 'vm', kernel: '6.18.44-fc-v769', osName: 'Debian GNU/Linux', osVersion: '12', cpuModel: null, architecture: 'x86_64' });
});

void test('after buildSample both give the same mounts, sizes and headline levels', () => {
  const fromExporter = buildSample('vm', 1_000, exporter, undefined);
  const fromScript = buildSample('vm', 1_000, polled, undefined);
  assert.deepEqual(fromExporter.filesystems.map((fs) => fs.mount), fromScript.filesystems.map((fs) => fs.mount));
  assert.deepEqual(fromExporter.filesystems.map((fs) => [fs.mount, fs.device, fs.fsType, fs.sizeBytes]), fromScript.filesystems.map((fs) => [fs.mount, fs.device, fs.fsType, fs.sizeBytes]));
  const root = (sample: typeof fromExporter) => sample.filesystems.find((fs) => fs.mount === '/');
  assert.ok(Math.abs((root(fromExporter)?.usedPct ?? -1) - (root(fromScript)?.usedPct ?? 99)) < 1);
  assert.ok(Math.abs((root(fromExporter)?.inodesUsedPct ?? -1) - (root(fromScript)?.inodesUsedPct ?? 99)) < 0.1);
  assert.equal(fromExporter.memTotalBytes, fromScript.memTotalBytes);
  assert.equal(fromExporter.cpuCount, fromScript.cpuCount);
  assert.equal(fromExporter.rebooted, false);
  assertAllFinite(fromExporter);
});

void test("an exporter snapshot is a good `previous` for the script's: the ticks are the same units", () => {
  const sample = buildSample('vm', 2_000, polled, exporter);
  assert.ok(sample.cpuModes != null, 'CPU modes from the delta between the two sources');
  assert.equal(sample.rebooted, false);
  assert.ok(sample.cpuBusyPct !== null && sample.cpuBusyPct >= 0 && sample.cpuBusyPct <= 100);
  assert.equal(sample.perCoreBusyPct?.length, 2);
});

void test('rates between two scrapes: CPU shares, network and disk per second over the exporter\'s clock', () => {
  const before = fromText(exposition({ timeSec: 1000, user: 100, idle: 100, rxBytes: 1000, readBytes: 512 * 100, ioSec: 1 }));
  const after = fromText(exposition({ timeSec: 1010, user: 101, idle: 109, rxBytes: 11_000, readBytes: 512 * 1100, ioSec: 6 }));
  assert.deepEqual(after.missing, ['processes', 'failed-units']);
  assert.equal(after.uptimeSec, 1010);
  assert.deepEqual(after.cpuTotal, { user: 20_200, nice: 0, system: 2_000, idle: 21_800, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0 });
  assert.deepEqual(after.disks?.map((d) => d.name), ['sda'], 'the partition is left out');
  const sample = buildSample('web1', 5_000, after, before);
  assert.equal(sample.cpuBusyPct, 10);
  assert.equal(sample.netRxBytesPerSec, 1000);
  assert.equal(sample.diskReadBytesPerSec, 51_200);
  assert.equal(sample.disks?.[0]?.busyPct, 50);
  assert.equal(sample.memUsedPct, 25);
  assert.equal(sample.loadPerCore, 0.25);
  assert.deepEqual(sample.filesystems, [{ mount: '/', device: '/dev/sda1', fsType: 'ext4', sizeBytes: 1000, usedBytes: 300, availableBytes: 600, usedPct: 33.33, inodesUsedPct: 25 }]);
  assert.equal(sample.diskUsedPctMax, 33.33, 'used / (used + available), to 0.01');
  assert.equal(sample.facts, null, 'facts go out when they change');
  assert.equal(after.facts?.hostname, 'web1');
  assert.equal(after.facts?.osName, null, 'no node_os_info');
  assertAllFinite(sample);
});

void test('a lying exporter: NaN, ±Inf, negative and absurd figures leave their section out, never a NaN in the sample', () => {
  const good = exposition({ timeSec: 1000, user: 100, idle: 100, rxBytes: 1000, readBytes: 0, ioSec: 0 });
  const lies: Array<[string, string, string]> = [
    ['node_memory_MemTotal_bytes 8e+09', 'node_memory_MemTotal_bytes NaN', 'meminfo'],
    ['node_memory_MemAvailable_bytes 6e+09', 'node_memory_MemAvailable_bytes -1', 'meminfo'],
    ['node_load1 0.5', 'node_load1 +Inf', 'loadavg'],
    ['node_cpu_seconds_total{cpu="1",mode="idle"} 100', 'node_cpu_seconds_total{cpu="1",mode="idle"} 1e300', 'stat'],
    ['node_cpu_seconds_total{cpu="0",mode="user"} 100', 'node_cpu_seconds_total{cpu="zero",mode="user"} 100', 'stat'],
    ['node_time_seconds 1700001000', 'node_time_seconds 1', 'uptime'],
    ['node_network_receive_bytes_total{device="eth0"} 1000', 'node_network_receive_bytes_total{device="eth0"} NaN', 'netdev'],
    ['node_disk_reads_completed_total{device="sda"} 100', 'node_disk_reads_completed_total{device="sda"} -Inf', ''],
  ];
  for (const [truth, lie, section] of lies) {
    assert.ok(good.includes(truth), truth);
    const lying = fromText(good.replace(truth, lie));
    if (section !== '') assert.ok(lying.missing.includes(section), `${lie}: ${section} should be missing, missing is ${JSON.stringify(lying.missing)}`);
    const honest = fromText(good);
    assertAllFinite(buildSample('web1', 2_000_000, lying, honest));
    assertAllFinite(buildSample('web1', 2_000_000, honest, lying));
  }
  const absurdDisk = fromText(good.replace('node_disk_reads_completed_total{device="sda"} 100', 'node_disk_reads_completed_total{device="sda"} -Inf'));
  assert.deepEqual(absurdDisk.disks, [], 'a disk with an unusable counter is left out');
  const hugeFs = fromText(good.replace('node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 1000', 'node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 1e30'));
  assert.deepEqual(hugeFs.filesystems, []);
});

void test('an exporter listing made-up devices by the hundred thousand is cut to MAX_DEVICES of each kind', () => {
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    lines.push(`node_network_receive_bytes_total{device="fake${i}"} ${i}`);
    lines.push(`node_disk_reads_completed_total{device="dm-${i}"} 1`);
    lines.push(`node_filesystem_size_bytes{device="d${i}",fstype="ext4",mountpoint="/m/${i}"} 100`);
    lines.push(`node_filesystem_avail_bytes{device="d${i}",fstype="ext4",mountpoint="/m/${i}"} 50`);
    lines.push(`node_filesystem_free_bytes{device="d${i}",fstype="ext4",mountpoint="/m/${i}"} 50`);
  }
  const snapshot = fromText(lines.join('\n'));
  assert.equal(snapshot.interfaces?.length, MAX_DEVICES);
  assert.equal(snapshot.disks?.length, MAX_DEVICES);
  assert.equal(snapshot.filesystems?.length, MAX_DEVICES);
  assert.equal(snapshot.interfaces?.[0]?.name, 'fake0');
});

void test('text that is not a node_exporter maps to an empty snapshot, told apart from a real one', () => {
  for (const text of ['', '<html><body>Welcome to nginx!</body></html>', 'up 1\nhttp_requests_total 5\n', '\u0000\u0001garbage']) {
    const snapshot = fromText(text);
    assert.ok(isEmptyNodeExporterSnapshot(snapshot), JSON.stringify(text));
    assert.ok(snapshot.missing.includes('stat') && snapshot.missing.includes('meminfo'));
    assertAllFinite(buildSample('x', 1, snapshot, undefined));
  }
  assert.equal(isEmptyNodeExporterSnapshot(exporter), false);
});
