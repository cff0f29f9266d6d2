import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { parseCheckSpecs } from '../../lib/checks/parse-check-specs.ts';
import type { SystemdCheckSpec } from '../../lib/checks/check-spec.ts';
import { systemdCheckResults } from '../../lib/checks/systemd-check-results.ts';
import { SYSTEMD_CHECK_SCRIPT, systemdCheckScript, UnitNameError } from '../../lib/checks/systemd-check-script.ts';

const run = promisify(execFile);

void test('the script is a constant and valid sh; unit names travel as data after it, each exactly as given', async () => {
  const units = ['nginx.service', '-.mount', 'getty@tty1.service', 'dev-disk-by\\x2duuid-1234.device'];
  const text = systemdCheckScript(units);
  assert.ok(text.startsWith(`{\n${SYSTEMD_CHECK_SCRIPT}\n}`), 'the constant script, then its input');
  for (const unit of units) assert.ok(!SYSTEMD_CHECK_SCRIPT.includes(unit));
  await run('sh', ['-n', '-c', text]);
  await run('busybox', ['sh', '-n', '-c', text]);
  // With a systemctl that prints its arguments, the units after `--` are exactly the ones given.
  const bin = await mkdtemp(join(tmpdir(), 'vigil-systemctl-'));
  try {
    await writeFile(join(bin, 'systemctl'), '#!/bin/sh\nfor arg do printf "%s\\n" "$arg"; done\n', { mode: 0o755 });
    for (const shell of [['sh'], ['busybox', 'sh']]) {
      const [command = 'sh', ...args] = shell;
      const { stdout } = await run(command, [...args, '-c', text], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
      const passed = stdout.slice(stdout.indexOf('--\n') + 3, stdout.indexOf('@@status')).split('\n').slice(0, -1);
      assert.deepEqual(passed, units, shell.join(' '));
    }
  } finally {
    await rm(bin, { recursive: true, force: true });
  }
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
