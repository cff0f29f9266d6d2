import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { parseCheckSpecs } from '../../lib/checks/parse-check-specs.ts';
import type { SystemdCheckSpec } from '../../lib/checks/check-spec.ts';
import { systemdCheckResults } from '../../lib/checks/systemd-check-results.ts';
import { systemdCheckScript, UnitNameError } from '../../lib/checks/systemd-check-script.ts';

const run = promisify(execFile);

void test('unit names are single-quoted after --, and the text is valid sh', async () => {
  const script = systemdCheckScript(['nginx.service', '-.mount', 'getty@tty1.service', 'dev-disk-by\\x2duuid-1234.device']);
  assert.ok(script.includes(`-- 'nginx.service' '-.mount' 'getty@tty1.service' 'dev-disk-by\\x2duuid-1234.device' 2>&1`), script);
  await run('sh', ['-n', '-c', script]);
  await run('busybox', ['sh', '-n', '-c', script]);
});

void test('a name systemd would not accept never reaches the text', () => {
  for (const unit of ["x'; reboot; '", 'a b.service', '$(id).service', 'nginx', 'x.service\n', '']) {
    assert.throws(() => systemdCheckScript(['ok.service', unit]), UnitNameError, JSON.stringify(unit));
  }
});

void test('run by sh on this machine (systemctl present, systemd not running): every check fails with systemctl\'s reason', async () => {
  const parsed = parseCheckSpecs('localhost', [{ systemd: 'cron' }, { systemd: 'ssh.service' }]);
  assert.ok(parsed.ok);
  const specs = parsed.specs as SystemdCheckSpec[];
  // sh exits 0 whatever systemctl did: the script always reaches @@end.
  const { stdout } = await run('sh', ['-c', systemdCheckScript(specs.map((spec) => spec.unit))]);
  assert.match(stdout, /^@@systemd\n/);
  assert.match(stdout, /\n@@status \d+\n@@end\n$/);
  const results = systemdCheckResults(specs, stdout);
  assert.equal(results.length, 2);
  for (const result of results) {
    assert.equal(result.ok, false);
    assert.equal(result.reason, 'error');
    assert.match(result.message ?? '', /^(systemctl is not installed|systemctl: System has not been booted with systemd)/);
  }
});
