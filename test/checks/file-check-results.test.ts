import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FileCheckSpec } from '../../lib/checks/check-spec.ts';
import { fileCheckResults } from '../../lib/checks/file-check-results.ts';
import { FILE_CHECK_SCRIPT, fileCheckScript } from '../../lib/checks/file-check-script.ts';
import { parseCheckSpecs } from '../../lib/checks/parse-check-specs.ts';

function specs(entries: Array<{ file: string; max_age?: string }>): FileCheckSpec[] {
  const parsed = parseCheckSpecs('web1', entries);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.map((e) => e.message).join('\n'));
  return parsed.specs.filter((spec): spec is FileCheckSpec => spec.kind === 'file');
}

void test('fresh, stale, missing and existence-only files, aged by the host\'s clock', () => {
  const checks = specs([{ file: '/var/backups/ok', max_age: '26h' }, { file: '/var/run/app.ready' }, { file: '/srv/old mark', max_age: '1h' }, { file: '/nope', max_age: '1h' }, { file: '/future', max_age: '1h' }]);
  const now = 1_800_000_000;
  const output = `noise before\n@@files\n@@now ${now}\n${now - 3600} /var/backups/ok\n${now - 400 * 86_400} /var/run/app.ready\n${now - 7300} /srv/old mark\n${now + 50} /future\n@@end\n`;
  assert.deepEqual(fileCheckResults(checks, output), [
    { id: 'file:/var/backups/ok', kind: 'file', ok: true, ageSec: 3600, message: 'modified 1 h ago' },
    { id: 'file:/var/run/app.ready', kind: 'file', ok: true, ageSec: 400 * 86_400, message: 'modified 400 d ago' },
    { id: 'file:/srv/old mark', kind: 'file', ok: false, reason: 'stale', ageSec: 7300, message: 'modified 2 h 1 min ago, more than the 1 h allowed' },
    { id: 'file:/nope', kind: 'file', ok: false, reason: 'not-found', message: '/nope does not exist, or the monitoring user cannot see it' },
    // A clock set back: age 0, never negative.
    { id: 'file:/future', kind: 'file', ok: true, ageSec: 0, message: 'modified 0 s ago' },
  ]);
});

void test('cut, garbled or hostile output fails every check with the reason, never throws, never a negative or NaN age', () => {
  const checks = specs([{ file: '/a', max_age: '1h' }, { file: '/b' }]);
  for (const output of ['', '@@files\n@@now 1\n1 /a\n', 'garbage', '@@files\n@@now soon\n1 /a\n@@end\n', '@@files\n\n@@end\n']) {
    const results = fileCheckResults(checks, output);
    assert.deepEqual(results.map((r) => [r.ok, r.reason]), [[false, 'error'], [false, 'error']], JSON.stringify(output));
  }
  // Lines that are no stat answer are ignored: the path they name is missing.
  const results = fileCheckResults(checks, '@@files\n@@now 100\n-5 /a\nNaN /b\n99 \n@@end\n');
  assert.deepEqual(results.map((r) => r.reason), ['not-found', 'not-found']);
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.from(Array.from({ length: 80 }, () => Math.floor(Math.random() * 256)));
    const text = `@@files\n@@now ${Math.floor(Math.random() * 1e10)}\n${bytes.toString('latin1')}\n@@end\n`;
    for (const result of fileCheckResults(checks, text)) {
      if (result.ageSec !== undefined) assert.ok(Number.isFinite(result.ageSec) && result.ageSec >= 0, JSON.stringify(result));
    }
  }
});

void test('the script, run by sh and by busybox sh on real files: symbolic links followed, names with spaces, no path ever run as shell text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-file-check-'));
  try {
    const now = Math.floor(Date.now() / 1000);
    const old = join(dir, 'old mark');
    writeFileSync(old, '');
    utimesSync(old, now - 3 * 86_400, now - 3 * 86_400);
    writeFileSync(join(dir, 'fresh'), '');
    symlinkSync(old, join(dir, 'latest'));
    const hostile = join(dir, '$(touch pwned)`touch pwned2`;touch pwned3');
    const checks = specs([
      { file: join(dir, 'fresh'), max_age: '1h' }, { file: old, max_age: '1d' }, { file: join(dir, 'latest'), max_age: '1d' }, { file: join(dir, 'missing') }, { file: hostile },
    ]);
    assert.ok(FILE_CHECK_SCRIPT.startsWith('# vigil-file-check 1\n'));
    for (const shell of [['sh'], ['busybox', 'sh']]) {
      const output = execFileSync(shell[0] as string, [...shell.slice(1), '-c', fileCheckScript(checks.map((c) => c.path))], { cwd: dir, encoding: 'utf8' });
      const results = fileCheckResults(checks, output);
      assert.deepEqual(results.map((r) => [r.ok, r.reason ?? null]), [[true, null], [false, 'stale'], [false, 'stale'], [false, 'not-found'], [false, 'not-found']], shell.join(' '));
      const age = results[1]?.ageSec ?? 0;
      assert.ok(age >= 3 * 86_400 && age < 3 * 86_400 + 120, `${age}`);
      assert.equal(results[2]?.ageSec, results[1]?.ageSec, 'the link is dated by what it points to');
    }
    assert.deepEqual(execFileSync('ls', [dir], { encoding: 'utf8' }).split('\n').filter((f) => f.startsWith('pwned')), [], 'no path was run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
