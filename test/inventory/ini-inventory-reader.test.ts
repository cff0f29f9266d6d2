import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { iniInventoryReader, parseIniInventory } from '../../lib/inventory/ini-inventory-reader.ts';
import { InventoryError } from '../../lib/inventory/inventory.ts';
import type { Inventory, InventoryHost } from '../../lib/inventory/inventory.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'inventories');

function host(inventory: Inventory, name: string): InventoryHost {
  const found = inventory.hosts.find((h) => h.name === name);
  assert.ok(found, `host ${name} is in the inventory`);
  return found;
}

async function readError(file: string): Promise<InventoryError> {
  const path = join(FIXTURES, file);
  const err = await iniInventoryReader.read(path).then(
    () => assert.fail(`${file} should not parse`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof InventoryError, `expected an InventoryError, got ${String(err)}`);
  assert.equal(err.file, path);
  return err;
}

function parseError(text: string): InventoryError {
  try {
    parseIniInventory(text, 'inline.ini');
  } catch (err) {
    assert.ok(err instanceof InventoryError, `expected an InventoryError, got ${String(err)}`);
    return err;
  }
  return assert.fail('should not parse');
}

void describe('iniInventoryReader on basic.ini', () => {
  void it('returns each host once, in inventory order, with its groups', async () => {
    const inventory = await iniInventoryReader.read(join(FIXTURES, 'basic.ini'));
    assert.equal(inventory.source, join(FIXTURES, 'basic.ini'));
    assert.deepEqual(
      inventory.hosts.map((h) => [h.name, h.groups]),
      [
        ['bastion', ['ungrouped']],
        ['web1', ['web']],
        ['web2', ['web']],
        ['web3', ['web']],
        ['db1', ['db', 'web']],
        ['db2', ['db']],
      ],
    );
  });

  void it('reads inline vars with quotes, escapes and trailing comments', async () => {
    const inventory = await iniInventoryReader.read(join(FIXTURES, 'basic.ini'));
    assert.deepEqual(host(inventory, 'bastion').vars, { ansible_host: '127.0.0.1', ansible_port: '2201' });
    assert.deepEqual(host(inventory, 'web1').vars, { ansible_host: '10.0.0.1', http_port: '8080', greeting: 'hi there' });
    const web2 = host(inventory, 'web2').vars;
    assert.equal(web2['motd'], 'hello world');
    assert.equal(web2['banner'], 'single quoted');
    assert.equal(web2['path'], 'a b');
    assert.equal(host(inventory, 'db2').vars['ansible_ssh_private_key_file'], 'keys/db key.pem');
  });

  void it('takes host:port as ansible_port, overridden by an inline ansible_port', async () => {
    const inventory = await iniInventoryReader.read(join(FIXTURES, 'basic.ini'));
    assert.equal(host(inventory, 'web2').vars['ansible_port'], 2222);
    assert.equal(host(inventory, 'web3').vars['ansible_port'], '2224');
  });

  void it('gives a host in two groups the vars of both plus its own', async () => {
    const inventory = await iniInventoryReader.read(join(FIXTURES, 'basic.ini'));
    assert.deepEqual(host(inventory, 'db1').vars, { http_port: '8080', greeting: 'hi there', ansible_user: 'postgres' });
    assert.deepEqual(host(inventory, 'db2').vars, { ansible_ssh_private_key_file: 'keys/db key.pem', vigil_interval: '30' });
  });
});

void describe('iniInventoryReader on nested.ini', () => {
  void it('puts hosts in every ancestor group through two levels of :children', async () => {
    const inventory = await iniInventoryReader.read(join(FIXTURES, 'nested.ini'));
    assert.deepEqual(
      inventory.hosts.map((h) => [h.name, h.groups]),
      [
        ['ber1', ['berlin', 'europe', 'germany']],
        ['ber2', ['berlin', 'europe', 'germany']],
        ['par1', ['alpha', 'europe', 'france', 'zulu']],
      ],
    );
  });

  void it('merges all:vars < parent < child group < host vars', async () => {
    const inventory = await iniInventoryReader.read(join(FIXTURES, 'nested.ini'));
    assert.deepEqual(host(inventory, 'ber1').vars, { level: 'germany', only_all: 'yes', continent: 'eu' });
    assert.equal(host(inventory, 'ber2').vars['level'], 'host');
    assert.equal(host(inventory, 'par1').vars['level'], 'france');
  });

  void it('orders groups of the same depth by name', async () => {
    const inventory = await iniInventoryReader.read(join(FIXTURES, 'nested.ini'));
    assert.equal(host(inventory, 'par1').vars['tie'], 'zulu');
  });
});

void describe('parseIniInventory details', () => {
  void it('honours ansible_group_priority over name order', () => {
    const inventory = parseIniInventory(
      '[a]\nh\n[b]\nh\n[a:vars]\nx=a\nansible_group_priority=5\n[b:vars]\nx=b\n',
      'inline.ini',
    );
    assert.equal(host(inventory, 'h').vars['x'], 'a');
  });

  void it('expands numeric and letter host ranges', () => {
    const inventory = parseIniInventory('[web]\nweb[01:03].example.com\ndb-[a:c]:2200 role=db\n', 'inline.ini');
    assert.deepEqual(
      inventory.hosts.map((h) => h.name),
      ['web01.example.com', 'web02.example.com', 'web03.example.com', 'db-a', 'db-b', 'db-c'],
    );
    assert.deepEqual(host(inventory, 'db-b').vars, { ansible_port: 2200, role: 'db' });
  });

  void it('reads a bracketed IPv6 address with a port and a bare IPv6 address without', () => {
    const inventory = parseIniInventory('[::1]:2222\n::1\n', 'inline.ini');
    assert.deepEqual(
      inventory.hosts.map((h) => [h.name, h.vars]),
      [['::1', { ansible_port: 2222 }]],
    );
  });

  void it('accepts a [group:vars] section before its group is declared', () => {
    const inventory = parseIniInventory('[web:vars]\nx=1\n[web]\nw\n', 'inline.ini');
    assert.deepEqual(host(inventory, 'w').vars, { x: '1' });
  });

  void it('keeps an empty inventory empty', () => {
    assert.deepEqual(parseIniInventory('# nothing\n\n', 'inline.ini').hosts, []);
  });
});

void describe('iniInventoryReader errors', () => {
  void it('names the line of an unterminated section header', async () => {
    const err = await readError('unterminated-section.ini');
    assert.equal(err.line, 4);
    assert.match(err.message, /unterminated section header '\[db'/);
  });

  void it('names the line that closes a :children cycle', async () => {
    const err = await readError('children-cycle.ini');
    assert.equal(err.line, 8);
    assert.match(err.message, /cycle: c > a > b > c/);
  });

  void it('rejects a group that lists itself as a child', () => {
    const err = parseError('[a:children]\n# self\na\n');
    assert.equal(err.line, 3);
    assert.match(err.message, /'a' lists itself/);
  });

  void it('names an unknown section suffix', async () => {
    const err = await readError('unknown-suffix.ini');
    assert.equal(err.line, 3);
    assert.match(err.message, /unknown type 'hostvars'/);
  });

  void it('names a host variable without =', async () => {
    const err = await readError('malformed-host.ini');
    assert.equal(err.line, 3);
    assert.match(err.message, /expected key=value .*got 'ansible_user'/);
  });

  void it('names a :children entry for a group never declared', async () => {
    const err = await readError('undefined-child.ini');
    assert.equal(err.line, 6);
    assert.match(err.message, /undefined group 'dbs'/);
  });

  void it('rejects unclosed quotes, bad ports, bad ranges, vars without =, and spaces in headers', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['[web]\nweb1 motd="hi\n', 2, /no closing quotation/],
      ['web1:22x\n', 1, /invalid port in host 'web1:22x'/],
      ['web1:\n', 1, /ends in ':'/],
      ['web[3:1]\n', 1, /begin <= end/],
      ['web[01:100]\n', 1, /equal length/],
      ['[web]\nw\n[web:vars]\n\njust_a_word\n', 5, /expected key=value in \[web:vars\]/],
      ['[web servers]\n', 1, /invalid section header/],
      ['[web:vars]\nx=1\n', 1, /\[web:vars\] is for undefined group 'web'/],
    ];
    for (const [text, line, message] of cases) {
      const err = parseError(text);
      assert.equal(err.line, line, text);
      assert.match(err.message, message, text);
      assert.ok(err.message.startsWith(`inline.ini:${line}: `), err.message);
    }
  });

  void it('reports a missing file as an InventoryError without a line', async () => {
    const err = await readError('does-not-exist.ini');
    assert.equal(err.line, null);
    assert.match(err.message, /cannot read inventory/);
  });
});
