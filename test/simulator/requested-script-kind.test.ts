import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POLL_SCRIPTS } from '../../lib/collect/poll-script.ts';
import { requestedScriptKind, taggedScriptKind } from '../../lib/simulator/requested-script-kind.ts';
import { commandPathText, STDIN_PATH_COMMAND, stdinPathText, wrapScript } from '../../services/worker/script-delivery.ts';

void test('the kind of each poll script is read off its tag line, also inside the worker\'s wrapper', () => {
  assert.equal(requestedScriptKind(POLL_SCRIPTS.light), 'light');
  assert.equal(requestedScriptKind(POLL_SCRIPTS.full), 'full');
  assert.equal(requestedScriptKind(wrapScript(POLL_SCRIPTS.light)), 'light');
  assert.equal(requestedScriptKind(wrapScript(POLL_SCRIPTS.full)), 'full');
  assert.equal(requestedScriptKind(stdinPathText(POLL_SCRIPTS.light)), 'light');
  assert.equal(requestedScriptKind(commandPathText(POLL_SCRIPTS.light)), 'light');
  assert.equal(requestedScriptKind(commandPathText(POLL_SCRIPTS.full)), 'full');
});

void test('an exec command names a kind only when it carries the script: the stdin path\'s command names none', () => {
  assert.equal(taggedScriptKind(commandPathText(POLL_SCRIPTS.light)), 'light');
  assert.equal(taggedScriptKind(commandPathText(POLL_SCRIPTS.full)), 'full');
  assert.equal(taggedScriptKind(STDIN_PATH_COMMAND), null);
  assert.equal(taggedScriptKind('echo "# vigil-poll-script 4 light"'), null);
});

void test('a script without a tag is answered as the full one; a tag must be a line of its own', () => {
  assert.equal(requestedScriptKind('uname -a\n'), 'full');
  assert.equal(requestedScriptKind(''), 'full');
  assert.equal(requestedScriptKind('echo "# vigil-poll-script 3 light"\n'), 'full');
  assert.equal(requestedScriptKind('# vigil-poll-script 3 lightish\n'), 'full');
});
