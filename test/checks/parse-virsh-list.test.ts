import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { parseVirshList } from '../../lib/collect/parse-virsh-list.ts';

const fixture = (name: string): Promise<string> => readFile(new URL(`../fixtures/libvirt/${name}`, import.meta.url), 'utf8');

void test('the test driver\'s default domain', async () => {
  assert.deepEqual(parseVirshList(await fixture('test-driver-default.list.txt')), [{ id: 1, name: 'test', state: 'running' }]);
});

void test('running, paused and shut off, a name with a space (test driver node and real QEMU)', async () => {
  const node = await fixture('test-node.script-output.txt');
  assert.deepEqual(parseVirshList(node), [
    { id: 1, name: 'web 1', state: 'running' },
    { id: 2, name: 'db', state: 'paused' },
    { id: null, name: 'spare', state: 'shutoff' },
  ]);
  const qemu = await fixture('qemu-tcg.script-output.txt');
  assert.deepEqual(parseVirshList(qemu).map((domain) => `${domain.id ?? '-'} ${domain.name} ${domain.state}`), [
    '1 vigil-fixture running',
    '2 vigil-paused paused',
    '3 vigil-net running',
    '- vigil-off shutoff',
  ]);
});

void test('every state text virsh prints, including two-word ones; headers and errors are skipped', () => {
  const text = [
    ' Id   Name          State',
    '-------------------------------',
    ' 3    in shutdown   in shutdown',
    ' 4    a             idle',
    ' 5    b             crashed',
    ' 6    c             pmsuspended',
    ' 7    d             no state',
    ' -    shutdown vm   shut off',
    'error: failed to connect to the hypervisor',
    '',
  ].join('\n');
  assert.deepEqual(parseVirshList(text), [
    { id: 3, name: 'in shutdown', state: 'shutdown' },
    { id: 4, name: 'a', state: 'blocked' },
    { id: 5, name: 'b', state: 'crashed' },
    { id: 6, name: 'c', state: 'pmsuspended' },
    { id: 7, name: 'd', state: 'nostate' },
    { id: null, name: 'shutdown vm', state: 'shutoff' },
  ]);
});
