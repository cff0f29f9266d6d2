import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildChartSpecs } from '../../web/src/chart-specs.ts';
import { csvFileName, toCsv } from '../../web/src/csv-export.ts';
import { seriesFixture } from './series-fixture.ts';

const T0 = Date.parse('2025-03-01T10:00:00Z') / 1000;

void test('the CSV has a time column and one column per charted series, rows within the range only', () => {
  const series = seriesFixture([T0, T0 + 10, T0 + 20]);
  const { charts } = buildChartSpecs(series);
  const lines = toCsv(series.ts, charts, T0 * 1000, (T0 + 10) * 1000).trimEnd().split('\r\n');
  const header = lines[0]?.split(',') ?? [];
  assert.equal(header[0], 'time');
  assert.equal(header.length, 1 + charts.reduce((n, c) => n + c.series.length, 0));
  assert.ok(header.includes('cpu_user_pct') && header.includes('fs[/]_used_pct') && header.includes('net[eth0]_rx_bytes_per_sec'));
  assert.equal(lines.length, 3);
  const row = lines[2]?.split(',') ?? [];
  assert.equal(row[0], '2025-03-01T10:00:10.000Z');
  assert.equal(row[header.indexOf('cpu_user_pct')], '6');
  // The stacked chart's own values, and an empty cell for null.
  assert.equal(row[header.indexOf('cpu_iowait_pct')], '');
  assert.equal(row[header.indexOf('net[eth0]_rx_bytes_per_sec')], '1000');
});

void test('device names are quoted and defused for spreadsheets', () => {
  const series = seriesFixture([T0]);
  series.filesystems = [{ name: '=HYPERLINK("x"),1', usedPct: [5] }];
  const header = toCsv(series.ts, buildChartSpecs(series).charts, 0, Infinity).split('\r\n')[0] ?? '';
  assert.ok(header.endsWith(',"fs[=HYPERLINK(""x""),1]_used_pct"') || header.includes(',"fs[=HYPERLINK(""x""),1]_used_pct",'), header);
  const hostile = toCsv(series.ts, [{ id: 'x', title: 'x', unit: 'percent', series: [{ label: 'x', color: 'cpu', values: [1], csv: '=cmd|"/c calc"!A1' }] }], 0, Infinity);
  assert.equal(hostile.split('\r\n')[0], `time,"'=cmd|""/c calc""!A1"`);
});

void test('the file name holds the host and the range, and nothing a file system dislikes', () => {
  assert.equal(csvFileName('web-1.example', Date.parse('2025-03-01T10:00:00Z'), Date.parse('2025-03-01T11:30:00.250Z')), 'web-1.example_2025-03-01T10-00-00Z_2025-03-01T11-30-00Z.csv');
  assert.match(csvFileName('../etc/pass wd<x>', 0, 1000), /^__etc_pass_wd_x__1970-01-01T00-00-00Z_1970-01-01T00-00-01Z\.csv$/);
});
