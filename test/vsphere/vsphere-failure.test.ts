import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyFault, classifyTransportError } from '../../lib/vsphere/vsphere-failure.ts';

void test('socket and TLS error codes map to stable reasons', () => {
  const code = (c: string): Error => Object.assign(new Error(c), { code: c });
  assert.equal(classifyTransportError(code('ECONNREFUSED')), 'refused');
  assert.equal(classifyTransportError(code('ETIMEDOUT')), 'timeout');
  assert.equal(classifyTransportError(code('ENOTFOUND')), 'dns');
  assert.equal(classifyTransportError(code('EHOSTUNREACH')), 'unreachable');
  assert.equal(classifyTransportError(code('ECONNRESET')), 'protocol');
  assert.equal(classifyTransportError(code('DEPTH_ZERO_SELF_SIGNED_CERT')), 'tls');
  assert.equal(classifyTransportError(code('SELF_SIGNED_CERT_IN_CHAIN')), 'tls');
  assert.equal(classifyTransportError(code('UNABLE_TO_VERIFY_LEAF_SIGNATURE')), 'tls');
  assert.equal(classifyTransportError(code('CERT_HAS_EXPIRED')), 'tls');
  assert.equal(classifyTransportError(code('ERR_TLS_CERT_ALTNAME_INVALID')), 'tls');
  assert.equal(classifyTransportError(code('EPROTO')), 'tls');
  assert.equal(classifyTransportError(new Error('no code')), 'protocol');
  // Happy eyeballs: the first per-address error with a code decides.
  assert.equal(classifyTransportError(Object.assign(new AggregateError([new Error('x'), code('ECONNREFUSED')]), {})), 'refused');
});

void test('login and permission faults are auth-failed, any other fault is named as a fault', () => {
  assert.equal(classifyFault('InvalidLogin'), 'auth-failed');
  assert.equal(classifyFault('NotAuthenticated'), 'auth-failed');
  assert.equal(classifyFault('NoPermission'), 'auth-failed');
  assert.equal(classifyFault('MethodNotFound'), 'fault');
  assert.equal(classifyFault(null), 'fault');
});
