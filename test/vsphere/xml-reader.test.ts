import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childNamed, childrenNamed, childText, readXml, XmlError } from '../../lib/vsphere/xml-reader.ts';

void test('elements, attributes and text by local name, with prefixes and xmlns declarations left out', () => {
  const root = readXml('<?xml version="1.0"?>\n<a:root xmlns:a="urn:x" id="1"><b k=\'v\'>text</b><b/><c>one<d/>two</c></a:root>');
  assert.equal(root.name, 'root');
  assert.deepEqual(root.attributes, { id: '1' });
  assert.equal(childrenNamed(root, 'b').length, 2);
  assert.deepEqual(childNamed(root, 'b')?.attributes, { k: 'v' });
  assert.equal(childText(root, 'b'), 'text');
  assert.equal(childText(root, 'c'), 'onetwo');
  assert.equal(childNamed(root, 'missing'), undefined);
});

void test('an attribute in the XML Schema instance namespace is xsi:NAME whatever its prefix, beside a plain one', () => {
  const govmomi = readXml('<val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="ManagedObjectReference" type="HostSystem">host-21</val>');
  assert.deepEqual(govmomi.attributes, { 'xsi:type': 'ManagedObjectReference', type: 'HostSystem' });
  // Declared on an ancestor, and the type attribute before it in the same tag: both count.
  const inherited = readXml('<e xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><v type="T" i:type="xsd:int">1</v><w z:type="Q" xmlns:z="http://www.w3.org/2001/XMLSchema-instance"/></e>');
  assert.deepEqual(inherited.children[0]?.attributes, { type: 'T', 'xsi:type': 'xsd:int' });
  assert.deepEqual(inherited.children[1]?.attributes, { 'xsi:type': 'Q' });
  // Undeclared xsi (sloppy servers) is still taken as the XSI namespace.
  assert.deepEqual(readXml('<v xsi:type="xsd:string"/>').attributes, { 'xsi:type': 'xsd:string' });
});

void test('entities, numeric references and CDATA are decoded; comments and a DOCTYPE are skipped', () => {
  const root = readXml('<!DOCTYPE x><!-- c --><x a="&quot;&amp;&#x41;">&lt;&gt;&apos;&#233;&#x1F600;<![CDATA[<raw>&amp;]]><!-- inner --></x>');
  assert.equal(root.attributes['a'], '"&A');
  assert.equal(root.text, "<>'é😀<raw>&amp;");
});

void test('malformed documents throw XmlError instead of giving half a tree', () => {
  for (const bad of [
    '',
    'plain text',
    '<a><b></a>',
    '<a>',
    '<a></a><b></b>',
    '</a>',
    '<a b></a>',
    '<a b=c></a>',
    '<a>&unknown;</a>',
    '<a>AT&T</a>',
    '<a><!-- unterminated</a>',
    '<a b="1"',
    'text<a/>',
  ]) {
    assert.throws(() => readXml(bad), XmlError, JSON.stringify(bad));
  }
});

void test('a byte order mark and whitespace around the document element are fine', () => {
  assert.equal(readXml('\uFEFF  <a/>\n').name, 'a');
});
