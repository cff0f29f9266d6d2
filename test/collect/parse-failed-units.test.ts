import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseFailedUnits } from '../../lib/collect/parse-failed-units.ts';

void test('systemctl list-units --state=failed --plain --no-legend, with and without the bullet', () => {
  const text = [
    'nginx.service          loaded failed failed A high performance web server',
    '● systemd-networkd-wait-online.service loaded failed failed Wait for Network to be Configured',
    'getty@tty1.service loaded failed failed Getty on tty1',
    '',
  ].join('\n');
  assert.deepEqual(parseFailedUnits(text), ['nginx.service', 'systemd-networkd-wait-online.service', 'getty@tty1.service']);
});

void test('no failed unit is an empty list; noise is ignored', () => {
  assert.deepEqual(parseFailedUnits(''), []);
  assert.deepEqual(parseFailedUnits('Failed to connect to bus: No such file or directory\n0 loaded units listed.\n'), []);
});
