import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseIniInventory } from '../../lib/inventory/ini-inventory-reader.ts';
import { InventoryData } from '../../lib/inventory/inventory-data.ts';
import { InventoryError } from '../../lib/inventory/inventory.ts';
import { IntegralFloat } from '../../lib/inventory/python-values.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'inventories');

function parse(text: string): InventoryData {
  const inventory = new InventoryData();
  parseIniInventory(text, 'inline.ini', inventory);
  inventory.reconcile();
  return inventory;
}

function parseError(text: string, file = 'inline.ini'): InventoryError {
  try {
    parseIniInventory(text, file, new InventoryData());
  } catch (err) {
    assert.ok(err instanceof InventoryError, `expected an InventoryError, got ${String(err)}`);
    assert.equal(err.file, file);
    return err;
  }
  return assert.fail('should not parse');
}

function fixtureError(name: string): InventoryError {
  const path = join(FIXTURES, name);
  return parseError(readFileSync(path, 'utf8'), path);
}

void describe('parseIniInventory', () => {
  void it('types values as literal_eval does: numbers, True, lists; yes stays a string', () => {
    const inventory = parse('h a=1 b=1.5 c=True d=yes e="[1, 2]" f=0755 g=1e3 h="\'quoted\'"\n');
    assert.deepEqual(inventory.hosts.get('h')?.vars, { a: 1, b: 1.5, c: true, d: 'yes', e: [1, 2], f: '0755', g: new IntegralFloat(1000), h: 'quoted' });
  });

  void it('keeps a host port from its first definition only, and lets inline ansible_port override it', () => {
    const inventory = parse('[a]\nh1:2201\nh2:2202 ansible_port=22\n[b]\nh1:2300\n');
    assert.equal(inventory.hosts.get('h1')?.vars['ansible_port'], 2201);
    assert.equal(inventory.hosts.get('h2')?.vars['ansible_port'], 22);
  });

  void it('puts a host variable on the group when a group has the host\'s name', () => {
    const inventory = parse('[web]\nweb x=1\n');
    assert.deepEqual(inventory.groups.get('web')?.vars, { x: 1 });
    assert.deepEqual(inventory.hosts.get('web')?.vars, {});
  });

  void it('links children declared later and computes depths from all', () => {
    const inventory = parse('[top:children]\nmid\n[mid:children]\nleaf\n[leaf]\nh\n');
    assert.deepEqual(['top', 'mid', 'leaf'].map((name) => inventory.groups.get(name)?.depth), [1, 2, 3]);
    assert.deepEqual([...(inventory.hosts.get('h')?.groups() ?? [])].map((group) => group.name).sort(), ['all', 'leaf', 'mid', 'top']);
  });

  void it('keeps ungrouped for hosts in no other group only', () => {
    const inventory = parse('a\nb\n[g]\nb\n');
    assert.deepEqual(inventory.groups.get('ungrouped')?.hosts.map((host) => host.name), ['a']);
  });
});

void describe('parseIniInventory errors name the line', () => {
  void it('a section header without its closing bracket', () => {
    const err = fixtureError('unterminated-section.ini');
    assert.equal(err.line, 4);
  });

  void it('the :children entry that closes a cycle', () => {
    const err = fixtureError('children-cycle.ini');
    assert.equal(err.line, 8);
    assert.match(err.message, /recursive dependency loop/);
  });

  void it('a group that lists itself', () => {
    const err = parseError('[a:children]\n# self\na\n');
    assert.equal(err.line, 3);
  });

  void it('an unknown section type', () => {
    const err = fixtureError('unknown-suffix.ini');
    assert.equal(err.line, 3);
    assert.match(err.message, /has unknown type: hostvars/);
  });

  void it('a host variable without =', () => {
    const err = fixtureError('malformed-host.ini');
    assert.equal(err.line, 3);
    assert.match(err.message, /Expected key=value host variable assignment, got: ansible_user/);
  });

  void it('the first reference to a group never declared', () => {
    const err = fixtureError('undefined-child.ini');
    assert.equal(err.line, 6);
    assert.match(err.message, /includes undefined group: dbs/);
  });

  void it('a value Python reads but Ansible cannot print', () => {
    const err = parseError('[g]\nh\nh2 x=1j\n');
    assert.equal(err.line, 3);
    assert.match(err.message, /complex/);
  });
});
