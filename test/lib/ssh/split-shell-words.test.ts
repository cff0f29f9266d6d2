import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellWordsError, splitShellWords } from '../../../lib/ssh/split-shell-words.ts';

void test('splits on blanks and honours single quotes, double quotes and backslashes', () => {
  assert.deepEqual(splitShellWords('  -o  ProxyJump=b1 -J b2 '), ['-o', 'ProxyJump=b1', '-J', 'b2']);
  assert.deepEqual(splitShellWords(`-o ProxyCommand="ssh -W %h:%p -q user@bastion"`), ['-o', 'ProxyCommand=ssh -W %h:%p -q user@bastion']);
  assert.deepEqual(splitShellWords(`-o 'ProxyCommand=ssh -W "%h:%p" b'`), ['-o', 'ProxyCommand=ssh -W "%h:%p" b']);
  assert.deepEqual(splitShellWords('a\\ b "c\\"d" e""f \'\''), ['a b', 'c"d', 'ef', '']);
  assert.deepEqual(splitShellWords(''), []);
});

void test('unbalanced quotes are an error, not a guess', () => {
  assert.throws(() => splitShellWords('-o "ProxyJump=b'), ShellWordsError);
  assert.throws(() => splitShellWords("-o 'x"), ShellWordsError);
});
