import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseCheckSpecs } from '../../lib/checks/parse-check-specs.ts';
import type { CheckSpec } from '../../lib/checks/check-spec.ts';
import type { CheckSpecError } from '../../lib/checks/parse-check-specs.ts';

function specs(value: unknown): CheckSpec[] {
  const parsed = parseCheckSpecs('web1', value);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.map((error) => error.message).join('\n'));
  return parsed.specs;
}

function errors(value: unknown): CheckSpecError[] {
  const parsed = parseCheckSpecs('web1', value);
  assert.ok(!parsed.ok, 'expected errors');
  return parsed.errors;
}

void test('a YAML list of the three kinds, with defaults filled in and stable ids', () => {
  const result = specs([
    { http: 'https://shop.example/health', status: [200, 204], keyword: 'ok', timeout: 5, tls_expiry_days: 21 },
    { http: 'http://intranet.example:8080/' },
    { tcp: 'db.example:5432', timeout: '1500ms' },
    { tcp: '[2001:db8::1]:22' },
    { systemd: 'nginx' },
    { systemd: 'postgresql@15-main.service' },
    { systemd: '-.mount' },
  ]);
  assert.deepEqual(result, [
    {
      kind: 'http', id: 'http:https://shop.example/health', url: 'https://shop.example/health',
      statuses: [{ from: 200, to: 200 }, { from: 204, to: 204 }], keyword: 'ok', timeoutMs: 5000, connectTimeoutMs: 5000,
      tlsExpiryDays: 21, tlsVerify: true,
    },
    {
      kind: 'http', id: 'http:http://intranet.example:8080/', url: 'http://intranet.example:8080/',
      statuses: [{ from: 200, to: 299 }], keyword: null, timeoutMs: 10_000, connectTimeoutMs: 5000, tlsExpiryDays: null, tlsVerify: true,
    },
    { kind: 'tcp', id: 'tcp:db.example:5432', host: 'db.example', port: 5432, timeoutMs: 1500 },
    { kind: 'tcp', id: 'tcp:[2001:db8::1]:22', host: '2001:db8::1', port: 22, timeoutMs: 10_000 },
    { kind: 'systemd', id: 'systemd:nginx.service', unit: 'nginx.service' },
    { kind: 'systemd', id: 'systemd:postgresql@15-main.service', unit: 'postgresql@15-main.service' },
    { kind: 'systemd', id: 'systemd:-.mount', unit: '-.mount' },
  ]);
});

void test('INI text: JSON, Python literal syntax and YAML flow are all read', () => {
  const expected = specs([{ tcp: 'db:5432' }, { http: 'https://x.example/', tls_verify: false, tls_expiry_days: false }]);
  assert.deepEqual(specs(`[{"tcp": "db:5432"}, {"http": "https://x.example/", "tls_verify": false, "tls_expiry_days": false}]`), expected);
  assert.deepEqual(specs(`[{'tcp': 'db:5432'}, {'http': 'https://x.example/', 'tls_verify': False, 'tls_expiry_days': False}]`), expected);
  assert.deepEqual(specs('[{tcp: "db:5432"}, {http: "https://x.example/", tls_verify: no, tls_expiry_days: 0}]'), expected);
  assert.equal(expected[1]?.kind === 'http' && expected[1].tlsExpiryDays, null);
});

void test('no checks: absent, null, empty text, empty list; one mapping alone is a list of one', () => {
  for (const value of [undefined, null, '', '  ', []]) assert.deepEqual(specs(value), []);
  assert.deepEqual(specs({ systemd: 'sshd' }).map((spec) => spec.id), ['systemd:sshd.service']);
});

void test('status classes and codes; a timeout as a duration; connect timeout capped by the total', () => {
  const [spec] = specs([{ http: 'http://a.example/', status: ['2xx', 301, '404'], timeout: '2s' }]);
  assert.ok(spec?.kind === 'http');
  assert.deepEqual(spec.statuses, [{ from: 200, to: 299 }, { from: 301, to: 301 }, { from: 404, to: 404 }]);
  assert.equal(spec.timeoutMs, 2000);
  assert.equal(spec.connectTimeoutMs, 2000);
  const [explicit] = specs([{ http: 'http://a.example/', timeout: 20, connect_timeout: 0.5 }]);
  assert.ok(explicit?.kind === 'http');
  assert.equal(explicit.connectTimeoutMs, 500);
});

void test('a password in the URL stays in the spec but never reaches the id', () => {
  const [spec] = specs([{ http: 'https://monitor:s3cret@api.example/health' }]);
  assert.ok(spec?.kind === 'http');
  assert.equal(spec.id, 'http:https://monitor:***@api.example/health');
  assert.equal(spec.url, 'https://monitor:s3cret@api.example/health');
});

void test('a name, on any kind, is for the status page: trimmed, and not part of the id, so renaming keeps history', () => {
  const named = specs([{ http: 'https://shop.example/health', name: ' Shop API ' }, { tcp: 'db.example:5432', name: 'Database' }, { systemd: 'nginx', name: 42 }]);
  assert.deepEqual(named.map((spec) => [spec.id, spec.name]), [['http:https://shop.example/health', 'Shop API'], ['tcp:db.example:5432', 'Database'], ['systemd:nginx.service', '42']]);
  assert.equal(specs([{ tcp: 'db.example:5432' }])[0]?.id, named[1]?.id);
  assert.ok(!('name' in (specs([{ tcp: 'db.example:5432' }])[0] ?? {})), 'no name: none in the spec');
  const found = errors([{ tcp: 'db:1', name: '' }, { tcp: 'db:2', name: 'x'.repeat(101) }, { tcp: 'db:3', name: ['a'] }]);
  assert.deepEqual(found.map((error) => error.problem), [
    'name must be 1 to 100 characters, got ""',
    `name must be 1 to 100 characters, got "${'x'.repeat(101)}"`,
    'name must be text, got ["a"]',
  ]);
});

void test('file checks: an absolute path, an optional max_age as a duration; the id is the path', () => {
  assert.deepEqual(specs([{ file: ' /var/backups/last-ok ', max_age: '26h', name: 'Nightly backup' }, { file: '/etc/app/ready' }, { file: '/srv/x y', max_age: 90 }]), [
    { kind: 'file', id: 'file:/var/backups/last-ok', path: '/var/backups/last-ok', maxAgeSec: 93_600, name: 'Nightly backup' },
    { kind: 'file', id: 'file:/etc/app/ready', path: '/etc/app/ready', maxAgeSec: null },
    { kind: 'file', id: 'file:/srv/x y', path: '/srv/x y', maxAgeSec: 90 },
  ]);
  const found = errors([
    { file: 'relative/path' },
    { file: '/a\nb' },
    { file: '/a', max_age: 'soon' },
    { file: '/b', max_age: '400d' },
    { file: '/c', timeout: 5 },
    { file: '/d' },
    { file: '/d', max_age: '1h' },
  ]);
  assert.deepEqual(found.map((e) => [e.index, e.problem.slice(0, 40)]), [
    [0, 'file must be an absolute path, got "rela'],
    [1, 'file "/a\\nb" must be one line of printab'],
    [2, 'max_age must be a duration from 1s to 36'],
    [3, 'max_age must be a duration from 1s to 36'],
    [4, "unknown setting 'timeout' for a file che"],
    [6, 'checks the same target as vigil_checks[5'],
  ]);
});

void test('every problem is reported at once, naming host, variable and index', () => {
  const found = errors([
    { http: 'ftp://files.example/' },
    { tcp: 'db.example' },
    { systemd: "nginx'; rm -rf /; echo '" },
    { http: 'https://a.example/', timeot: 5 },
    { http: 'https://a.example/', tcp: 'a.example:443' },
    { http: 'http://a.example/', tls_expiry_days: 14 },
    { http: 'https://a.example/', status: 700 },
    { tcp: 'db:99999' },
    { http: 'https://a.example/', timeout: 0 },
    { http: 'https://a.example/', timeout: 5, connect_timeout: 10 },
    'nginx',
    { tcp: 'db:5432' },
    { tcp: 'db:5432', timeout: 1 },
  ]);
  assert.deepEqual(found.map((error) => error.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]);
  for (const error of found) {
    assert.equal(error.host, 'web1');
    assert.equal(error.variable, 'vigil_checks');
    assert.ok(error.message.startsWith(`host 'web1': vigil_checks[${error.index}]: `), error.message);
  }
  const problems = found.map((error) => error.problem);
  assert.match(problems[0] ?? '', /scheme ftp:/);
  assert.match(problems[1] ?? '', /"host:port"/);
  assert.match(problems[2] ?? '', /is not a unit name/);
  assert.match(problems[3] ?? '', /unknown setting 'timeot'/);
  assert.match(problems[4] ?? '', /several checks \(http, tcp\)/);
  assert.match(problems[5] ?? '', /only to an https:\/\/ URL/);
  assert.match(problems[6] ?? '', /status must be a code from 100 to 599/);
  assert.match(problems[7] ?? '', /port must be 1\.\.65535/);
  assert.match(problems[8] ?? '', /timeout must be a duration/);
  assert.match(problems[9] ?? '', /must not exceed timeout/);
  assert.match(problems[10] ?? '', /must be a mapping/);
  assert.match(problems[11] ?? '', /same target as vigil_checks\[11\]/);
});

void test('unit names outside systemd\'s character set are refused, whatever they would do in a shell', () => {
  for (const unit of ['$(reboot)', 'a b', 'nginx;id', 'x`id`', 'ünït', 'a\nb', 'x'.repeat(250)]) {
    const [error] = errors([{ systemd: unit }]);
    assert.match(error?.problem ?? '', /is not a unit name/, unit);
  }
});

void test('a value that is not a list of checks is one error without an index, its password masked', () => {
  const [error] = errors('https://u:hunter2@a.example/');
  assert.equal(error?.index, null);
  assert.ok(error?.message.startsWith("host 'web1': vigil_checks must be a list of checks"));
  assert.ok(!error?.message.includes('hunter2'), error?.message);
  const [broken] = errors('[{tcp: "db:1"');
  assert.match(broken?.problem ?? '', /is not a list of checks/);
  const [tooMany] = errors(Array.from({ length: 51 }, (_, i) => ({ tcp: `db:${i + 1}` })));
  assert.match(tooMany?.problem ?? '', /more than 50/);
});
