import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyConnectError } from '../../../services/worker/classify-connect-error.ts';

function withCode(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:22`), { code });
}

function withLevel(message: string, level: string): Error {
  return Object.assign(new Error(message), { level });
}

void test('socket error codes map to their reasons', () => {
  assert.equal(classifyConnectError(withCode('ECONNREFUSED')), 'refused');
  assert.equal(classifyConnectError(withCode('ENOTFOUND')), 'dns');
  assert.equal(classifyConnectError(withCode('EAI_AGAIN')), 'dns');
  assert.equal(classifyConnectError(withCode('EHOSTUNREACH')), 'unreachable');
  assert.equal(classifyConnectError(withCode('ENETUNREACH')), 'unreachable');
  assert.equal(classifyConnectError(withCode('ETIMEDOUT')), 'timeout-connect');
});

void test('ssh2 error levels map to their reasons', () => {
  assert.equal(classifyConnectError(withLevel('All configured authentication methods failed', 'client-authentication')), 'auth-failed');
  assert.equal(classifyConnectError(withLevel('Timed out while waiting for handshake', 'client-timeout')), 'timeout-connect');
  assert.equal(classifyConnectError(withLevel('Handshake failed: no matching key exchange algorithm', 'handshake')), 'protocol');
  assert.equal(classifyConnectError(withLevel('Connection lost before handshake', 'protocol')), 'protocol');
});

void test('a socket error code wins over the level ssh2 stamps on every socket error', () => {
  const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', level: 'client-socket' });
  assert.equal(classifyConnectError(err), 'refused');
});

void test('an AggregateError from happy eyeballs is classified by its inner errors', () => {
  const err = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed');
  assert.equal(classifyConnectError(err), 'refused');
});

void test('anything unrecognised is a plain error', () => {
  assert.equal(classifyConnectError(new Error('something odd')), 'error');
  assert.equal(classifyConnectError(withCode('EWEIRD')), 'error');
  assert.equal(classifyConnectError('a string'), 'error');
  assert.equal(classifyConnectError(null), 'error');
});
