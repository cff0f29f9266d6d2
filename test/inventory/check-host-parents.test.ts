import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostParentProblems } from '../../lib/inventory/check-host-parents.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';

function target(name: string, parents?: string[]): HostTarget {
  return {
    name, connection: 'ssh', address: name, port: 22, user: 'vigil', privateKeyFile: null, intervalSec: 10, groups: [],
    ...(parents && { alerting: { parents } }),
  } as HostTarget;
}

void test('a tree of parents, one host under two of them: no problem', () => {
  const targets = [target('core'), target('sw1', ['core']), target('sw2', ['core']), target('web1', ['sw1', 'sw2']), target('web2', ['sw2'])];
  assert.deepEqual(hostParentProblems(targets, new Set()), []);
});

void test('every problem is named: an unknown host, a disabled one, the host itself, a loop', () => {
  const targets = [
    target('web1', ['sw9']),
    target('web2', ['old-router']),
    target('web3', ['web3']),
    target('a', ['b']),
    target('b', ['c']),
    target('c', ['a']),
    // Below the loop, not in it: named by the loop's line only.
    target('d', ['c']),
  ];
  assert.deepEqual(hostParentProblems(targets, new Set(['old-router'])), [
    "host 'web1': vigil_parents names 'sw9', which is not a host of the inventory",
    "host 'web2': vigil_parents names 'old-router', which has vigil_enabled false: its outages would never be seen",
    "host 'web3': vigil_parents names the host itself",
    'vigil_parents form a loop: a -> b -> c -> a',
  ]);
});

void test('two hosts that name each other, and loops reached from elsewhere, are each reported once', () => {
  const targets = [target('x', ['y']), target('y', ['x']), target('m', ['n', 'x']), target('n', ['m'])];
  assert.deepEqual(hostParentProblems(targets, new Set()), ['vigil_parents form a loop: m -> n -> m', 'vigil_parents form a loop: x -> y -> x']);
});

void test('a chain of 50,000 hosts is walked without overflowing the stack', () => {
  const targets = Array.from({ length: 50_000 }, (_, i) => target(`h${i}`, i === 0 ? undefined : [`h${i - 1}`]));
  assert.deepEqual(hostParentProblems(targets, new Set()), []);
  const looped = [...targets.slice(1), target('h0', ['h49999'])];
  const problems = hostParentProblems(looped, new Set());
  assert.equal(problems.length, 1);
  // Shortened to its ends.
  assert.equal(problems[0], 'vigil_parents form a loop: h0 -> h49999 -> h49998 -> h49997 -> h49996 -> (49993 more) -> h2 -> h1 -> h0');
});
