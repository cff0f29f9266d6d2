import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseServiceContent } from '../../lib/vsphere/parse-service-content.ts';
import { parseSoapResponse, SoapProtocolError } from '../../lib/vsphere/parse-soap-response.ts';
import { readXml } from '../../lib/vsphere/xml-reader.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/vsphere/${name}`, import.meta.url), 'utf8');

void test('the managed objects Vigil calls, and what the server says it is', () => {
  const parsed = parseSoapResponse(fixture('service-content.xml'));
  assert.equal(parsed.kind, 'response');
  if (parsed.kind !== 'response') return;
  assert.deepEqual(parseServiceContent(parsed.element), {
    rootFolder: { type: 'Folder', value: 'group-d1' },
    propertyCollector: { type: 'PropertyCollector', value: 'propertyCollector' },
    viewManager: { type: 'ViewManager', value: 'ViewManager' },
    sessionManager: { type: 'SessionManager', value: 'SessionManager' },
    about: { fullName: 'VMware vCenter Server 6.5.0 build-5973321', apiType: 'VirtualCenter', apiVersion: '6.5' },
  });
});

void test('another response, or a content without a required object, is a protocol error', () => {
  assert.throws(() => parseServiceContent(readXml('<LoginResponse/>')), SoapProtocolError);
  assert.throws(() => parseServiceContent(readXml('<RetrieveServiceContentResponse/>')), SoapProtocolError);
  assert.throws(
    () => parseServiceContent(readXml('<RetrieveServiceContentResponse><returnval><rootFolder type="Folder">group-d1</rootFolder></returnval></RetrieveServiceContentResponse>')),
    /has no propertyCollector/,
  );
  assert.throws(
    () => parseServiceContent(readXml('<RetrieveServiceContentResponse><returnval><rootFolder>group-d1</rootFolder></returnval></RetrieveServiceContentResponse>')),
    /not a managed object reference/,
  );
});
