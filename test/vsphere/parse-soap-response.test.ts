import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSoapResponse, SoapProtocolError } from '../../lib/vsphere/parse-soap-response.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/vsphere/${name}`, import.meta.url), 'utf8');

void test('a response envelope gives the method response element', () => {
  const parsed = parseSoapResponse(fixture('login.xml'));
  assert.equal(parsed.kind, 'response');
  if (parsed.kind === 'response') assert.equal(parsed.element.name, 'LoginResponse');
  const empty = parseSoapResponse(fixture('logout.xml'));
  assert.equal(empty.kind === 'response' && empty.element.name, 'LogoutResponse');
});

void test('faults are typed by the xsi:type of their detail (captured from the simulator)', () => {
  assert.deepEqual(parseSoapResponse(fixture('login-invalid.xml')), {
    kind: 'fault',
    fault: { code: 'ServerFaultCode', message: 'Login failure', type: 'InvalidLogin' },
  });
  const notAuthenticated = parseSoapResponse(fixture('not-authenticated.xml'));
  assert.deepEqual(notAuthenticated.kind === 'fault' && notAuthenticated.fault, { code: 'ServerFaultCode', message: '', type: 'NotAuthenticated' });
  const notFound = parseSoapResponse(fixture('method-not-found.xml'));
  assert.equal(notFound.kind === 'fault' && notFound.fault.type, 'MethodNotFound');
});

void test('a fault without xsi:type is named by its element, and one without detail has no type', () => {
  const untyped = parseSoapResponse('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>x</faultstring><detail><NoPermissionFault xmlns="urn:vim25"/></detail></s:Fault></s:Body></s:Envelope>');
  assert.deepEqual(untyped, { kind: 'fault', fault: { code: 'Client', message: 'x', type: 'NoPermission' } });
  const bare = parseSoapResponse('<Envelope><Body><Fault><faultstring>boom</faultstring></Fault></Body></Envelope>');
  assert.deepEqual(bare, { kind: 'fault', fault: { code: '', message: 'boom', type: null } });
});

void test('anything but a SOAP envelope is a SoapProtocolError', () => {
  for (const bad of ['<html><body>Service Unavailable</body></html>', 'garbage', '<Envelope/>', '<Envelope><Body></Body></Envelope>', '<Envelope><Body><x>']) {
    assert.throws(() => parseSoapResponse(bad), SoapProtocolError, bad);
  }
});
