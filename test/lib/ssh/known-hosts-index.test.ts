import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { entryMatchesHost, parseKnownHosts } from '../../../lib/ssh/known-hosts.ts';
import type { KnownHostsEntry } from '../../../lib/ssh/known-hosts.ts';
import { KnownHostsIndex } from '../../../lib/ssh/known-hosts-index.ts';

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJO1tgzh32N+xZj+oeD7KhV2QuCPjP0ZED5gBk99jf82';
const HASHED_127_2222 = `|1|/wvsZehUI6P80/KrUXwida43imU=|fmoT2+CCfyAlBq08OmqDKwAVz0g= ${ED25519}`;

const lines = (entries: KnownHostsEntry[]): number[] => entries.map((e) => e.line);

void test('finds plain, comma-list, wildcard, negated and hashed lines for a name, in file order', () => {
  const entries = parseKnownHosts([
    `web1.example.com,10.0.0.1 ${ED25519}`,
    `*.example.com,!bad.example.com ${ED25519}`,
    HASHED_127_2222,
    `[127.0.0.1]:2222 ${ED25519}`,
    `WEB1.example.com ${ED25519}`,
    `10.0.0.? ${ED25519}`,
    `@revoked bad.example.com ${ED25519}`,
  ].join('\n'));
  const index = new KnownHostsIndex(entries);
  assert.deepEqual(lines(index.forHost('web1.example.com')), [1, 2, 5]);
  assert.deepEqual(lines(index.forHost('Web1.Example.COM')), [1, 2, 5]);
  assert.deepEqual(lines(index.forHost('10.0.0.1')), [1, 6]);
  assert.deepEqual(lines(index.forHost('[127.0.0.1]:2222')), [3, 4]);
  // The negation vetoes line 2, not the plain @revoked line that names the host.
  assert.deepEqual(lines(index.forHost('bad.example.com')), [7]);
  assert.deepEqual(lines(index.forHost('elsewhere.org')), []);
});

void test('a line added after lookups is found, also a wildcard one whose name was looked up before', () => {
  const index = new KnownHostsIndex(parseKnownHosts(`a.example.com ${ED25519}`));
  assert.deepEqual(lines(index.forHost('b.example.com')), []);
  for (const entry of parseKnownHosts([`b.example.com ${ED25519}`, `*.example.com ${ED25519}`].join('\n'), 2)) index.add(entry);
  assert.deepEqual(lines(index.forHost('b.example.com')), [2, 3]);
  assert.deepEqual(lines(index.forHost('a.example.com')), [1, 3]);
});

void test('a name listed twice on one line gives that line once', () => {
  const index = new KnownHostsIndex(parseKnownHosts(`h,H,h ${ED25519}`));
  assert.deepEqual(lines(index.forHost('h')), [1]);
});

void test('gives what a scan of every line with entryMatchesHost gives, over generated files and names', () => {
  // A small fixed generator, so that a failure can be replayed.
  let seed = 42;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const names = ['a.x', 'b.x', 'A.X', 'c.y', '[a.x]:2222', '[c.y]:22', '10.0.0.1', '10.0.0.12'];
  const hashedLine = (name: string): string => {
    const salt = Buffer.from([next(256), next(256), next(256), next(256)]);
    const hash = createHmac('sha1', salt).update(name.toLowerCase()).digest();
    return `|1|${salt.toString('base64')}|${hash.toString('base64')} ${ED25519}`;
  };
  const pattern = (): string => {
    const name = names[next(names.length)] as string;
    switch (next(5)) {
      case 0: return `!${name}`;
      case 1: return name.replace(/^[a-z0-9]/, '*');
      case 2: return name.replace(/[a-z0-9]$/, '?');
      default: return name;
    }
  };
  for (let file = 0; file < 200; file++) {
    const text: string[] = [];
    const count = 1 + next(12);
    for (let i = 0; i < count; i++) {
      if (next(6) === 0) text.push(hashedLine(names[next(names.length)] as string));
      else text.push(`${Array.from({ length: 1 + next(3) }, pattern).join(',')} ${ED25519}`);
    }
    const entries = parseKnownHosts(text.join('\n'));
    // Half the files built in one go, half line by line with lookups in between.
    const index = new KnownHostsIndex(file % 2 === 0 ? entries : []);
    if (file % 2 === 1) {
      for (const entry of entries) {
        index.add(entry);
        index.forHost(names[next(names.length)] as string);
      }
    }
    for (const name of names) {
      const host = name.toLowerCase();
      assert.deepEqual(lines(index.forHost(name)), lines(entries.filter((e) => entryMatchesHost(e, host))), `${text.join(' | ')} for ${name}`);
    }
  }
});

void test('lines parsed from an appended part are numbered after the lines before it', () => {
  const entries = parseKnownHosts(`# comment\nh ${ED25519}\n`, 11);
  assert.deepEqual(lines(entries), [12]);
});
