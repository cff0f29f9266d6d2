import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FULL_POLL_EVERY_SEC, fullPollEveryPolls, pollScriptFor } from '../../lib/collect/poll-schedule.ts';

void test('a full poll about once a minute by default, counted in the host\'s own polls', () => {
  assert.equal(DEFAULT_FULL_POLL_EVERY_SEC, 60);
  assert.equal(fullPollEveryPolls({ intervalSec: 10 }), 6);
  assert.equal(fullPollEveryPolls({ intervalSec: 15 }), 4);
  assert.equal(fullPollEveryPolls({ intervalSec: 60 }), 1);
  assert.equal(fullPollEveryPolls({ intervalSec: 300 }), 1, 'a host polled less often than the period is always polled fully');
  assert.equal(fullPollEveryPolls({ intervalSec: 10, processesEverySec: 300 }), 30);
  assert.equal(fullPollEveryPolls({ intervalSec: 0 }), 60, 'a zero interval does not divide by zero');
});

void test('first poll full, then light until the period is over, then full again', () => {
  const target = { intervalSec: 10 };
  assert.equal(pollScriptFor(target, null), 'full');
  const kinds = [0, 1, 2, 3, 4, 5].map((n) => pollScriptFor(target, n));
  assert.deepEqual(kinds, ['light', 'light', 'light', 'light', 'light', 'full']);
});

void test('a host with vigil_processes is polled fully every time: its pattern counts need every process', () => {
  assert.equal(pollScriptFor({ intervalSec: 10, processPatterns: ['nginx'] }, 0), 'full');
  assert.equal(pollScriptFor({ intervalSec: 10, processPatterns: [] }, 0), 'light');
});
