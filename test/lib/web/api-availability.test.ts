import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBudget } from '../../../lib/web/api-availability.ts';

void test('describeBudget: the down time a target still allows, or how far it was missed', () => {
  assert.equal(describeBudget(25_920), '7 h 12 min left');
  assert.equal(describeBudget(0), 'nothing left');
  assert.equal(describeBudget(-8208), '2 h 16 min over');
});
