import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_DEVICE_CHARTS, buildChartSpecs } from '../../web/src/chart-specs.ts';
import { seriesFixture } from './series-fixture.ts';

void test('the fixed charts come first, then filesystems, each disk (and its latency), each interface and each GPU', () => {
  const series = seriesFixture([1, 2, 3]);
  series.gpus = [{ name: '0', utilizationPct: [1, 2, 3], memoryUsedPct: [4, 5, 6], temperatureC: [40, 41, 42] }];
  const { charts, hidden } = buildChartSpecs(series, new Map([['0', 'NVIDIA H100']]));
  assert.deepEqual(charts.map((c) => c.id), ['cpu', 'memory', 'load', 'network', 'disk-io', 'kernel-activity', 'forks-blocked', 'filesystems', 'disk:sda', 'disk-latency:sda', 'net:eth0', 'gpu:0']);
  assert.deepEqual(hidden, []);
  const cpu = charts[0];
  assert.equal(cpu?.stacked, true);
  assert.deepEqual(cpu?.series.map((s) => s.label), ['user', 'nice', 'system', 'iowait', 'irq', 'softirq', 'steal']);
  // The columns are the API's own arrays, not copies: what is charted is what the CSV writes.
  assert.equal(cpu?.series[0]?.values, series.cpuUserPct);
  const gpu = charts.find((c) => c.id === 'gpu:0');
  assert.equal(gpu?.title, 'GPU 0 (NVIDIA H100)');
  assert.equal(gpu?.rightUnit, 'celsius');
  assert.deepEqual(gpu?.series.filter((s) => s.right).map((s) => s.label), ['temperature']);
  assert.deepEqual(charts.find((c) => c.id === 'disk:sda')?.series.map((s) => s.csv), ['disk[sda]_read_bytes_per_sec', 'disk[sda]_write_bytes_per_sec', 'disk[sda]_busy_pct']);
  const latency = charts.find((c) => c.id === 'disk-latency:sda');
  assert.equal(latency?.unit, 'milliseconds');
  assert.deepEqual(latency?.series.map((s) => [s.label, s.csv]), [['read', 'disk[sda]_read_latency_ms'], ['write', 'disk[sda]_write_latency_ms']]);
});

void test('a disk without any latency in the range (samples stored before it was collected) gets no latency chart', () => {
  const series = seriesFixture([1, 2]);
  series.disks = series.disks.map((disk) => ({ ...disk, readLatencyMs: [null, null], writeLatencyMs: [null, null] }));
  const { charts } = buildChartSpecs(series);
  assert.deepEqual(charts.filter((c) => c.id.startsWith('disk')).map((c) => c.id), ['disk-io', 'disk:sda']);
});

void test('a host without devices gets the fixed charts only', () => {
  const { charts } = buildChartSpecs(seriesFixture([1], { devices: false }));
  assert.deepEqual(charts.map((c) => c.id), ['cpu', 'memory', 'load', 'network', 'disk-io', 'kernel-activity', 'forks-blocked']);
});

void test('kernel activity: context switches and interrupts per second; forks per second, and tasks blocked on the right', () => {
  const series = seriesFixture([1, 2, 3]);
  const { charts } = buildChartSpecs(series);
  const activity = charts.find((c) => c.id === 'kernel-activity');
  assert.equal(activity?.unit, 'perSec');
  assert.deepEqual(activity?.series.map((s) => [s.label, s.csv]), [['context switches', 'context_switches_per_sec'], ['interrupts', 'interrupts_per_sec']]);
  assert.equal(activity?.series[0]?.values, series.contextSwitchesPerSec);
  const processes = charts.find((c) => c.id === 'forks-blocked');
  assert.equal(processes?.unit, 'perSec');
  assert.equal(processes?.rightUnit, 'count');
  assert.deepEqual(processes?.series.map((s) => [s.label, s.csv, s.right ?? false]), [['forks', 'forks_per_sec', false], ['blocked on I/O', 'processes_blocked', true]]);
});

void test('a range without kernel activity (stored before it was collected, or no Linux host) gets neither chart; one figure is enough', () => {
  const none = seriesFixture([1, 2]);
  for (const key of ['contextSwitchesPerSec', 'interruptsPerSec', 'forksPerSec', 'processesBlocked'] as const) none[key] = [null, null];
  assert.deepEqual(buildChartSpecs(none).charts.filter((c) => c.id === 'kernel-activity' || c.id === 'forks-blocked'), []);
  none.processesBlocked = [null, 0];
  assert.deepEqual(buildChartSpecs(none).charts.filter((c) => c.id === 'kernel-activity' || c.id === 'forks-blocked').map((c) => c.id), ['forks-blocked']);
});

void test(`more than ${MAX_DEVICE_CHARTS} interfaces: the busiest are charted, in name order, the rest named as hidden`, () => {
  const series = seriesFixture([1, 2]);
  series.interfaces = Array.from({ length: MAX_DEVICE_CHARTS + 2 }, (_v, i) => ({ name: `veth${i}`, rxBytesPerSec: [i, i], txBytesPerSec: [0, null] }));
  const { charts, hidden } = buildChartSpecs(series);
  const nics = charts.filter((c) => c.id.startsWith('net:')).map((c) => c.id);
  assert.equal(nics.length, MAX_DEVICE_CHARTS);
  assert.deepEqual(nics, Array.from({ length: MAX_DEVICE_CHARTS }, (_v, i) => `net:veth${i + 2}`));
  assert.deepEqual(hidden, [{ kind: 'interfaces', names: ['veth1', 'veth0'] }]);
});
