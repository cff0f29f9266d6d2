import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POLL_SCRIPTS } from '../../lib/collect/poll-script.ts';
import { requestedScriptKind } from '../../lib/simulator/requested-script-kind.ts';
import { wrapScript } from '../../services/worker/ssh-connections.ts';

void test('the kind of each poll script is read off its tag line, also inside the worker\'s wrapper', () => {
  assert.equal(requestedScriptKind(POLL_SCRIPTS.light), 'light');
  assert.equal(requestedScriptKind(POLL_SCRIPTS.full), 'full');
  assert.equal(requestedScriptKind(wrapScript(POLL_SCRIPTS.light)), 'light');
  assert.equal(requestedScriptKind(wrapScript(POLL_SCRIPTS.full)), 'full');
});

void test('a script without a tag is answered as the full one; a tag must be a line of its own', () => {
  assert.equal(requestedScriptKind('uname -a\n'), 'full');
  assert.equal(requestedScriptKind(''), 'full');
  assert.equal(requestedScriptKind('echo "# vigil-poll-script 3 light"\n'), 'full');
  assert.equal(requestedScriptKind('# vigil-poll-script 3 lightish\n'), 'full');
});
