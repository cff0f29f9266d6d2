import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, moRefElement, soapRequest, textElement } from '../../lib/vsphere/soap-request.ts';
import { readXml } from '../../lib/vsphere/xml-reader.ts';

void test('a request is a SOAP envelope with the method in urn:vim25 and _this first', () => {
  const xml = soapRequest('Login', { type: 'SessionManager', value: 'SessionManager' }, textElement('userName', 'a') + textElement('password', 'b'));
  const envelope = readXml(xml);
  assert.equal(envelope.name, 'Envelope');
  const method = envelope.children[0]?.children[0];
  assert.equal(method?.name, 'Login');
  assert.deepEqual(method?.children.map((c) => [c.name, c.text]), [['_this', 'SessionManager'], ['userName', 'a'], ['password', 'b']]);
  assert.equal(method?.children[0]?.attributes['type'], 'SessionManager');
  assert.match(xml, /<Login xmlns="urn:vim25">/);
});

void test('values are escaped, so a password with markup characters arrives as written', () => {
  const password = `p<a&s>"s'`;
  const xml = soapRequest('Login', { type: 'SessionManager', value: 'SessionManager' }, textElement('password', password));
  assert.equal(readXml(xml).children[0]?.children[0]?.children[1]?.text, password);
  assert.equal(escapeXml(`<&>"'`), '&lt;&amp;&gt;&quot;&apos;');
  assert.equal(moRefElement('obj', { type: 'A"B', value: 'x<y' }), '<obj type="A&quot;B">x&lt;y</obj>');
  assert.equal(textElement('recursive', true), '<recursive>true</recursive>');
});
