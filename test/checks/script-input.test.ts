import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LIBVIRT_SCRIPT } from '../../lib/checks/libvirt-script.ts';
import { INPUT_DELIMITER, INPUT_END, INPUT_START, SCRIPT_INPUT_READER, ScriptInputError, withScriptInput } from '../../lib/checks/script-input.ts';
import { SYSTEMD_CHECK_SCRIPT } from '../../lib/checks/systemd-check-script.ts';

const run = promisify(execFile);

/** A script that prints each of its values on a line of its own, between brackets. */
const ECHO_VALUES = `${SCRIPT_INPUT_READER}\nfor vigil_value do printf '[%s]\\n' "$vigil_value"; done`;

void test('values reach the script exactly, shell syntax and all, never run: dash and busybox sh', async () => {
  const values = ['plain', ' leading and trailing ', "it's", '"$(touch /tmp/vigil-never)"', '`id`', '$HOME', 'back\\slash\\n', '-n', '', '*', 'naïve ✓'];
  const text = withScriptInput(ECHO_VALUES, values);
  for (const shell of [['sh', '-c'], ['busybox', 'sh', '-c']]) {
    const [command = 'sh', ...args] = shell;
    const { stdout } = await run(command, [...args, text]);
    assert.equal(stdout, values.map((value) => `[${value}]\n`).join(''), shell.join(' '));
  }
});

void test('the reader skips whatever comes before the data line: a forced command\'s pinned copy reading the rest of the sent text', async () => {
  // What the wrapper leaves on stdin after the tag line: the sent copy of the script, then the data.
  const sent = withScriptInput(`# tag\n${ECHO_VALUES}`, ['a', 'b']);
  const rest = sent.slice(sent.indexOf('# tag\n') + '# tag\n'.length);
  const child = execFile('sh', ['-c', ECHO_VALUES]);
  child.stdin?.end(rest);
  let stdout = '';
  child.stdout?.on('data', (chunk: string) => (stdout += chunk));
  await new Promise((resolve) => child.on('close', resolve));
  assert.equal(stdout, '[a]\n[b]\n');
});

void test('no line of a script that reads input is a marker line, which the reader would take for the data', () => {
  for (const script of [SCRIPT_INPUT_READER, SYSTEMD_CHECK_SCRIPT, LIBVIRT_SCRIPT]) {
    const markers = script.split('\n').filter((line) => line === INPUT_START || line === INPUT_END || line === INPUT_DELIMITER);
    assert.deepEqual(markers, []);
  }
});

void test('a value that cannot be one line of data is refused before any text is made', () => {
  for (const value of ['two\nlines', 'carriage\rreturn', 'nul\u0000', 'tab\there', 'escape\u001b[0m', 'del\u007f', INPUT_START, INPUT_END, INPUT_DELIMITER]) {
    assert.throws(() => withScriptInput(ECHO_VALUES, ['ok', value]), ScriptInputError, JSON.stringify(value));
  }
});
