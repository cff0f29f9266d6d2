import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseSystemctlShow } from '../../lib/checks/parse-systemctl-show.ts';
import { SYSTEMCTL_SHOW_SAMPLE } from './systemctl-show-sample.ts';

void test('one state per unit block, in order', () => {
  assert.deepEqual(parseSystemctlShow(SYSTEMCTL_SHOW_SAMPLE), [
    { id: 'nginx.service', loadState: 'loaded', activeState: 'active', subState: 'running' },
    { id: 'postgresql@15-main.service', loadState: 'loaded', activeState: 'failed', subState: 'failed' },
    { id: 'nosuch.service', loadState: 'not-found', activeState: 'inactive', subState: 'dead' },
    { id: 'ssh.service', loadState: 'loaded', activeState: 'reloading', subState: 'reload' },
    { id: 'cups.service', loadState: 'masked', activeState: 'inactive', subState: 'dead' },
  ]);
});

void test('CRLF, a missing property and lines that are not properties', () => {
  const text = 'ActiveState=active\r\nSubState=running\r\n\r\nFailed to get properties: Access denied\n';
  assert.deepEqual(parseSystemctlShow(text), [{ id: null, loadState: null, activeState: 'active', subState: 'running' }]);
  assert.deepEqual(parseSystemctlShow(''), []);
  assert.deepEqual(parseSystemctlShow("System has not been booted with systemd as init system (PID 1). Can't operate.\n"), []);
});
