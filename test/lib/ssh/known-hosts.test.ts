import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkHostKey, entryMatchesHost, keyFingerprint, keyTypeOf, knownHostsLine, knownHostsName, knownKeyTypes, parseKnownHosts,
} from '../../../lib/ssh/known-hosts.ts';

// Real keys from ssh-keygen; the hashed line is `ssh-keygen -H` of the plain [127.0.0.1]:2222 one.
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJO1tgzh32N+xZj+oeD7KhV2QuCPjP0ZED5gBk99jf82';
const ECDSA = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBM2MVtrP0W6qmypTMuM+mzBnUfldGQ6Cuwti97gWOmtb/4Ec6z7iUEla5YtpFHQ+lCRNDw3LcAWllYBpSPs++fM=';
const HASHED_127_2222 = `|1|/wvsZehUI6P80/KrUXwida43imU=|fmoT2+CCfyAlBq08OmqDKwAVz0g= ${ED25519}`;
const blob = (line: string): Buffer => Buffer.from(line.split(' ')[1] as string, 'base64');

void test('parses plain, hashed, bracketed, comma-list and marker lines; skips comments and garbage', () => {
  const entries = parseKnownHosts([
    '# a comment',
    '',
    `web1.example.com,10.0.0.1 ${ED25519} root@web1`,
    `[127.0.0.1]:2222 ${ED25519}`,
    HASHED_127_2222,
    `@revoked * ${ECDSA}`,
    `@cert-authority *.example.com ${ECDSA}`,
    '@bogus-marker host ssh-ed25519 AAAA',
    'only-two fields',
    `mismatch ssh-rsa ${ED25519.split(' ')[1]}`,
  ].join('\n'));
  assert.deepEqual(entries.map((e) => [e.line, e.marker, e.keyType, e.hosts.kind]), [
    [3, null, 'ssh-ed25519', 'patterns'],
    [4, null, 'ssh-ed25519', 'patterns'],
    [5, null, 'ssh-ed25519', 'hashed'],
    [6, 'revoked', 'ecdsa-sha2-nistp256', 'patterns'],
    [7, 'cert-authority', 'ecdsa-sha2-nistp256', 'patterns'],
  ]);
});

void test('names hosts as ssh does: bare on port 22, [host]:port otherwise, lower case', () => {
  assert.equal(knownHostsName('Web1.Example.com', 22), 'web1.example.com');
  assert.equal(knownHostsName('127.0.0.1', 2222), '[127.0.0.1]:2222');
  assert.equal(knownHostsName('::1', 2222), '[::1]:2222');
});

void test('a hashed entry matches exactly the name it was hashed from', () => {
  const [entry] = parseKnownHosts(HASHED_127_2222);
  assert.ok(entry);
  assert.equal(entryMatchesHost(entry, '[127.0.0.1]:2222'), true);
  assert.equal(entryMatchesHost(entry, '[127.0.0.1]:2223'), false);
  assert.equal(entryMatchesHost(entry, '127.0.0.1'), false);
});

void test('patterns: comma lists, wildcards, and a negation that vetoes the line', () => {
  const [entry] = parseKnownHosts(`*.example.com,!bad.example.com,10.0.0.? ${ED25519}`);
  assert.ok(entry);
  assert.equal(entryMatchesHost(entry, 'web1.example.com'), true);
  assert.equal(entryMatchesHost(entry, 'WEB1.EXAMPLE.COM'), true);
  assert.equal(entryMatchesHost(entry, 'bad.example.com'), false);
  assert.equal(entryMatchesHost(entry, '10.0.0.7'), true);
  assert.equal(entryMatchesHost(entry, '10.0.0.17'), false);
  assert.equal(entryMatchesHost(entry, 'example.com'), false);
  // A non-default port needs the bracketed form in the file too.
  assert.equal(entryMatchesHost(entry, '[web1.example.com]:2222'), false);
});

void test('checkHostKey: known, changed, unknown, revoked; CA lines do not make a host known', () => {
  const entries = parseKnownHosts([HASHED_127_2222, `@revoked revoked.example ${ECDSA}`, `@cert-authority ca.example ${ECDSA}`].join('\n'));
  assert.equal(checkHostKey(entries, '[127.0.0.1]:2222', blob(ED25519)).status, 'known');
  const changed = checkHostKey(entries, '[127.0.0.1]:2222', blob(ECDSA));
  assert.equal(changed.status, 'changed');
  assert.ok(changed.status === 'changed' && changed.expected[0]?.line === 1);
  assert.equal(checkHostKey(entries, '[127.0.0.1]:2200', blob(ED25519)).status, 'unknown');
  assert.equal(checkHostKey(entries, 'revoked.example', blob(ECDSA)).status, 'revoked');
  assert.equal(checkHostKey(entries, 'ca.example', blob(ECDSA)).status, 'unknown');
});

void test('any one matching line with the presented key is enough (several keys per host)', () => {
  const entries = parseKnownHosts([`h ${ECDSA}`, `h ${ED25519}`].join('\n'));
  assert.equal(checkHostKey(entries, 'h', blob(ED25519)).status, 'known');
  assert.deepEqual(knownKeyTypes(entries, 'h'), ['ecdsa-sha2-nistp256', 'ssh-ed25519']);
});

void test('a pin line round-trips, and fingerprints read as ssh-keygen -l prints them', () => {
  const line = knownHostsLine('[127.0.0.1]:2222', blob(ED25519));
  assert.equal(line, `[127.0.0.1]:2222 ${ED25519}`);
  assert.equal(checkHostKey(parseKnownHosts(line), '[127.0.0.1]:2222', blob(ED25519)).status, 'known');
  assert.equal(keyTypeOf(blob(ECDSA)), 'ecdsa-sha2-nistp256');
  assert.equal(keyTypeOf(Buffer.from('x')), null);
  assert.equal(keyFingerprint(blob(ED25519)), 'SHA256:UTVHLMFXc1U9s9U03BiL+45yrWxafrMQXDl5if2sKF0');
});
