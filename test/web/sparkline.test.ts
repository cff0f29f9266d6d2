import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sparklineMean, sparklinePath, sparklinePaths } from '../../web/src/sparkline.ts';

const BOX = { width: 100, height: 21, max: 100 };

void test('values spread over the width, 0 at the bottom and max at the top, half a pixel in', () => {
  assert.deepEqual(sparklinePaths([0, 50, 100], BOX), ['0,20.5 50,10.5 100,0.5']);
});

void test('a null breaks the line into runs; a lone value is a short flat stroke', () => {
  assert.deepEqual(sparklinePaths([10, 20, null, null, 30], BOX), ['0,18.5 25,16.5', '99,14.5 100,14.5']);
  assert.deepEqual(sparklinePaths([null, 50, null], BOX), ['49,10.5 51,10.5']);
  assert.deepEqual(sparklinePaths([null, null], BOX), []);
  assert.deepEqual(sparklinePaths([], BOX), []);
});

void test('values outside 0..max are clamped, never drawn outside the box', () => {
  assert.deepEqual(sparklinePaths([-5, 250], BOX), ['0,20.5 100,0.5']);
});

void test('sparklinePath: the runs as one path, each starting with a move; nothing to draw is an empty path', () => {
  assert.equal(sparklinePath([10, 20, null, null, 30], BOX), 'M0,18.5 25,16.5 M99,14.5 100,14.5');
  assert.equal(sparklinePath([null, null], BOX), '');
});

void test('sparklineMean averages the values that are there', () => {
  assert.equal(sparklineMean([10, null, 30]), 20);
  assert.equal(sparklineMean([null]), null);
  assert.equal(sparklineMean(undefined), null);
});
