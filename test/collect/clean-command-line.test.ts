import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanCommandLine, cleanText, MAX_COMMAND_LENGTH } from '../../lib/collect/clean-command-line.ts';

/** What a command line showed as before only its start was cleaned: the whole line, cleaned, trimmed and cut. */
function wholeLine(cmdline: string): string {
  return cmdline.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_COMMAND_LENGTH);
}

void test('cleanText turns every control character into a space and leaves the rest', () => {
  assert.equal(cleanText('nginx: worker\0--flag\0'), 'nginx: worker --flag ');
  assert.equal(cleanText('a\nb\tc\u007fd\u0080e\u00e9'), 'a b c d\u0080e\u00e9');
  assert.equal(cleanText('plain'), 'plain');
});

void test('a command line: NULs between and after the arguments become single spaces, trimmed', () => {
  assert.equal(cleanCommandLine('/usr/sbin/sshd\0-D\0'), '/usr/sbin/sshd -D');
  assert.equal(cleanCommandLine('\0\0'), '');
});

void test('long command lines read the same as when the whole line was cleaned', () => {
  const word = (n: number): string => 'x'.repeat(n);
  const cases = [
    `${word(2000)}\0`,
    `node\0${word(600)}\0--max-old-space-size=4096\0`.repeat(30),
    // Blanks filling the cleaned window: the whole line decides.
    `${'\0'.repeat(1500)}${word(700)}`,
    `${' '.repeat(900)}abc\0${' '.repeat(3000)}def`,
    // What is kept ends in blanks followed by more blanks only, or by more text.
    `${word(500)}${' '.repeat(2000)}`,
    `${word(500)}${' '.repeat(600)}z`,
    `${word(511)}\0${'\0'.repeat(2000)}`,
    `${word(1023)}\u2028${word(5)}`,
  ];
  for (const cmdline of cases) assert.equal(cleanCommandLine(cmdline), wholeLine(cmdline), JSON.stringify(cmdline.slice(0, 40)));
});

void test('random command lines read the same as when the whole line was cleaned', () => {
  const alphabet = ['a', ' ', '\0', '\n', '\t', '\u00a0', '\u3000', 'é'];
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let round = 0; round < 300; round++) {
    let cmdline = '';
    const length = Math.floor(random() * 3000);
    // Runs of one character, so that long blank stretches occur.
    while (cmdline.length < length) cmdline += (alphabet[Math.floor(random() * alphabet.length)] ?? 'a').repeat(1 + Math.floor(random() * 400));
    assert.equal(cleanCommandLine(cmdline), wholeLine(cmdline), `round ${round}`);
  }
});
