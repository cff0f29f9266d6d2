import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { SystemdCheckSpec } from '../../lib/checks/check-spec.ts';
import { parseCheckSpecs } from '../../lib/checks/parse-check-specs.ts';
import { systemdCheckResults } from '../../lib/checks/systemd-check-results.ts';
import { SYSTEMCTL_SHOW_SAMPLE } from './systemctl-show-sample.ts';

function specs(units: string[]): SystemdCheckSpec[] {
  const parsed = parseCheckSpecs('web1', units.map((unit) => ({ systemd: unit })));
  assert.ok(parsed.ok);
  return parsed.specs.filter((spec): spec is SystemdCheckSpec => spec.kind === 'systemd');
}

const UNITS = ['nginx', 'postgresql@15-main', 'nosuch', 'sshd', 'cups'];

void test('active and reloading are up; failed, not-found and masked are not, each with its reason', () => {
  const output = `@@systemd\n${SYSTEMCTL_SHOW_SAMPLE}@@status 0\n@@end\n`;
  const results = systemdCheckResults(specs(UNITS), output);
  assert.deepEqual(results, [
    { id: 'systemd:nginx.service', kind: 'systemd', ok: true, message: 'active (running)', loadState: 'loaded', activeState: 'active', subState: 'running' },
    {
      id: 'systemd:postgresql@15-main.service', kind: 'systemd', ok: false, reason: 'failed', message: 'failed (failed)',
      loadState: 'loaded', activeState: 'failed', subState: 'failed',
    },
    {
      id: 'systemd:nosuch.service', kind: 'systemd', ok: false, reason: 'not-found', message: 'nosuch.service is not installed',
      loadState: 'not-found', activeState: 'inactive', subState: 'dead',
    },
    // Asked as sshd, answered by its alias target: matched by position, not by Id.
    { id: 'systemd:sshd.service', kind: 'systemd', ok: true, message: 'reloading (reload)', loadState: 'loaded', activeState: 'reloading', subState: 'reload' },
    {
      id: 'systemd:cups.service', kind: 'systemd', ok: false, reason: 'inactive', message: 'inactive (dead), masked',
      loadState: 'masked', activeState: 'inactive', subState: 'dead',
    },
  ]);
});

void test('a host without systemctl, or where it cannot answer, fails every check with reason error', () => {
  const missing = systemdCheckResults(specs(['nginx']), '@@systemd\n@@status 127\n@@end\n');
  assert.deepEqual(missing, [{ id: 'systemd:nginx.service', kind: 'systemd', ok: false, reason: 'error', message: 'systemctl is not installed on the host' }]);
  // systemctl's own words on a machine not booted with systemd (captured on this test machine).
  const notBooted = "@@systemd\nSystem has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n@@status 1\n@@end\n";
  const results = systemdCheckResults(specs(['nginx', 'cron']), notBooted);
  assert.equal(results.length, 2);
  for (const result of results) {
    assert.equal(result.reason, 'error');
    assert.equal(result.message, "systemctl: System has not been booted with systemd as init system (PID 1). Can't operate.");
  }
  const cut = systemdCheckResults(specs(['nginx']), '@@systemd\nId=nginx.service\n');
  assert.equal(cut[0]?.message, 'the script output was cut short');
});
