import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { POLL_SCRIPT } from '../../lib/collect/poll-script.ts';

const run = promisify(execFile);

void test('vigil commands prints the poll script exactly, and nothing else on stdout', async () => {
  const { stdout } = await run(process.execPath, ['bin/vigil.mjs', 'commands']);
  assert.equal(stdout, POLL_SCRIPT.endsWith('\n') ? POLL_SCRIPT : POLL_SCRIPT + '\n');
});

void test('vigil commands --help explains how to pin the script as a forced command', async () => {
  const { stdout } = await run(process.execPath, ['bin/vigil.mjs', 'commands', '--help']);
  assert.match(stdout, /authorized_keys/);
  assert.match(stdout, /command="\/bin\/sh \/usr\/local\/lib\/vigil\/poll\.sh <\/dev\/null"/);
});
