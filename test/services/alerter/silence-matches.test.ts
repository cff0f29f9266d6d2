import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredSilence } from '../../../lib/db/queries/stored-silence.ts';
import { silenceMatches } from '../../../services/alerter/silence-matches.ts';

const silence = (matchers: StoredSilence['matchers']): StoredSilence => ({ id: 1, matchers, startsAt: 0, endsAt: 1, comment: '', createdBy: '', createdAt: 0, expiredAt: null });
const subject = { host: 'web-1', groups: ['web', 'prod'], rule: 'cpu-high' };

void test('a silence matches when every matcher it sets matches', () => {
  assert.equal(silenceMatches(silence({ host: 'web-1' }), subject), true);
  assert.equal(silenceMatches(silence({ group: 'prod' }), subject), true);
  assert.equal(silenceMatches(silence({ rule: 'cpu-high' }), subject), true);
  assert.equal(silenceMatches(silence({ group: 'web', rule: 'cpu-high' }), subject), true);
  assert.equal(silenceMatches(silence({ group: 'web', rule: 'disk-full' }), subject), false);
  assert.equal(silenceMatches(silence({ host: 'web-2' }), subject), false);
  assert.equal(silenceMatches(silence({ group: 'db' }), subject), false);
});

void test('a silence without matchers matches nothing', () => {
  assert.equal(silenceMatches(silence({}), subject), false);
});
