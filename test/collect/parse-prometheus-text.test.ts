import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MAX_PROBLEMS, parsePrometheusText, parseValue } from '../../lib/collect/parse-prometheus-text.ts';

const capture = readFileSync(new URL('../fixtures/node-exporter/metrics.txt', import.meta.url), 'utf8');

void test("reads every line of a real node_exporter 1.5.0 answer", () => {
  const parsed = parsePrometheusText(capture);
  assert.equal(parsed.invalidLines, 0, JSON.stringify(parsed.problems));
  const sampleLines = capture.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  assert.equal([...parsed.samples.values()].reduce((sum, list) => sum + list.length, 0), sampleLines);
  assert.equal(parsed.types.get('node_cpu_seconds_total'), 'counter');
  assert.equal(parsed.types.get('node_load1'), 'gauge');
  assert.equal(parsed.types.get('go_gc_duration_seconds'), 'summary');
  assert.equal(parsed.help.get('node_load1'), '1m load average.');
  const idle = parsed.samples.get('node_cpu_seconds_total')?.find((s) => s.labels.get('cpu') === '1' && s.labels.get('mode') === 'idle');
  assert.ok(idle !== undefined && idle.value > 0);
  assert.equal(idle.timestampMs, null);
  const os = parsed.samples.get('node_os_info')?.[0];
  assert.equal(os?.labels.get('pretty_name'), 'Debian GNU/Linux 12 (bookworm)');
  // Exponent notation, as Go prints large floats.
  const size = parsed.samples.get('node_filesystem_size_bytes')?.find((s) => s.labels.get('mountpoint') === '/');
  assert.equal(size?.value, 270553174016);
});

void test('comments, HELP and TYPE with escapes, blank lines and CRLF line ends', () => {
  const parsed = parsePrometheusText([
    '# a plain comment',
    '#TYPE not_a_type_line counter',
    '# HELP http_requests_total Requests served.\\nSecond line with a \\\\ backslash.',
    '# TYPE http_requests_total counter',
    '',
    '   ',
    'http_requests_total{method="post",code="200"} 1027 1395066363000\r',
    'http_requests_total{method="post",code="400"}    3 1395066363000',
    '# TYPE histogram_seconds histogram',
    'histogram_seconds_bucket{le="+Inf"} 144320',
    'histogram_seconds_sum 53423',
  ].join('\n'));
  assert.equal(parsed.invalidLines, 0, JSON.stringify(parsed.problems));
  assert.equal(parsed.help.get('http_requests_total'), 'Requests served.\nSecond line with a \\ backslash.');
  assert.equal(parsed.types.get('http_requests_total'), 'counter');
  assert.equal(parsed.types.has('not_a_type_line'), false);
  const requests = parsed.samples.get('http_requests_total');
  assert.deepEqual(requests?.map((s) => [s.labels.get('code'), s.value, s.timestampMs]), [['200', 1027, 1395066363000], ['400', 3, 1395066363000]]);
  assert.equal(parsed.samples.get('histogram_seconds_bucket')?.[0]?.labels.get('le'), '+Inf');
  assert.equal(parsed.samples.get('histogram_seconds_sum')?.[0]?.value, 53423);
});

void test('label values with escaped quotes, backslashes, newlines, commas and braces; blanks around labels', () => {
  const parsed = parsePrometheusText([
    'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
    'odd { a = "x,}y" , b="" , } 2',
    'metric_without_timestamp_and_labels 12.47',
    '{"my.dotted.metric", "label.with.dots"="v"} 5',
  ].join('\n'));
  assert.equal(parsed.invalidLines, 0, JSON.stringify(parsed.problems));
  const access = parsed.samples.get('msdos_file_access_time_seconds')?.[0];
  assert.equal(access?.labels.get('path'), 'C:\\DIR\\FILE.TXT');
  assert.equal(access?.labels.get('error'), 'Cannot find file:\n"FILE.TXT"');
  assert.equal(access?.value, 1458255915);
  const odd = parsed.samples.get('odd')?.[0];
  assert.deepEqual([...(odd?.labels ?? [])], [['a', 'x,}y'], ['b', '']]);
  assert.equal(parsed.samples.get('metric_without_timestamp_and_labels')?.[0]?.value, 12.47);
  assert.equal(parsed.samples.get('my.dotted.metric')?.[0]?.labels.get('label.with.dots'), 'v');
});

void test('NaN, +Inf and -Inf are the format\'s own values; other words are not numbers', () => {
  const parsed = parsePrometheusText('a NaN\nb +Inf\nc -Inf\nd Inf\ne 1e400\nf -0.5e-3\ng .5\nh nope\ni 0x10\nj 1_000\nk\n');
  const value = (name: string): number | undefined => parsed.samples.get(name)?.[0]?.value;
  assert.ok(Number.isNaN(value('a')));
  assert.equal(value('b'), Infinity);
  assert.equal(value('c'), -Infinity);
  assert.equal(value('d'), Infinity);
  assert.equal(value('e'), Infinity, 'beyond a double, as Go reads it');
  assert.equal(value('f'), -0.0005);
  assert.equal(value('g'), 0.5);
  for (const name of ['h', 'i', 'j', 'k']) assert.equal(parsed.samples.has(name), false, name);
  assert.equal(parsed.invalidLines, 4);
  assert.equal(parseValue(''), null);
  assert.equal(parseValue('-nan'), null);
});

void test('broken lines are counted, described with their line number and skipped; the rest still reads', () => {
  const parsed = parsePrometheusText([
    'good 1',
    'bad{label="unterminated} 1',
    'bad{label="x"',
    'bad{label=x} 1',
    'bad{label="\\t"} 1',
    'bad{1abc="x"} 1',
    'bad{a="1",a="2"} 1',
    'bad{a="1" b="2"} 1',
    '9starts_with_digit 1',
    'bad 1 not-a-timestamp',
    'bad 1 123 extra',
    'bad 1 1.5',
    'good 2',
    'also_good{x="1"} 3',
  ].join('\n'));
  assert.deepEqual(parsed.samples.get('good')?.map((s) => s.value), [1], 'a repeated series keeps its first line');
  assert.equal(parsed.samples.get('also_good')?.[0]?.value, 3);
  assert.equal(parsed.samples.has('bad'), false);
  assert.equal(parsed.invalidLines, 12);
  assert.equal(parsed.problems.length, MAX_PROBLEMS);
  assert.deepEqual(parsed.problems.slice(0, 3).map((p) => p.line), [2, 3, 4]);
  assert.ok(parsed.problems.every((p) => p.reason.length > 0));
});

void test('a label named __proto__ or constructor is a label like any other', () => {
  const parsed = parsePrometheusText('m{__proto__="polluted",constructor="x"} 1\n');
  const labels = parsed.samples.get('m')?.[0]?.labels;
  assert.equal(labels?.get('__proto__'), 'polluted');
  assert.equal(labels?.get('constructor'), 'x');
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  const proto = parsePrometheusText('__proto__ 1\n');
  assert.equal(proto.samples.get('__proto__')?.[0]?.value, 1);
});

void test('hostile input never throws: random bytes, control characters, huge lines, endless braces', () => {
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const alphabet = 'ab_:{}",=\\ \t\n\r#0123456789.eE+-NaInf\u0000\u00ff\u2028';
  for (let round = 0; round < 300; round++) {
    let text = '';
    const length = Math.floor(random() * 400);
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
    const parsed = parsePrometheusText(text);
    assert.ok(parsed.invalidLines >= 0);
    for (const list of parsed.samples.values()) for (const sample of list) assert.equal(typeof sample.value, 'number');
  }
  const huge = parsePrometheusText(`m{a="${'x'.repeat(1_000_000)}"} 1\n${'{'.repeat(100_000)}\n${'#'.repeat(100_000)}\n`);
  assert.equal(huge.samples.get('m')?.[0]?.labels.get('a')?.length, 1_000_000);
  assert.equal(huge.invalidLines, 1);
  // A truncated answer: its last line cut mid-label is dropped, the lines before it kept.
  const cut = parsePrometheusText(capture.slice(0, capture.indexOf('\nnode_os_info{') + 40));
  assert.ok(cut.samples.has('node_cpu_seconds_total'));
  assert.equal(cut.samples.has('node_os_info'), false);
  assert.equal(cut.invalidLines, 1);
});
