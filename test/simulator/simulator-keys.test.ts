import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { loadClientKey, loadHostKeys } from '../../lib/simulator/simulator-keys.ts';

const { utils } = ssh2;
// A key ssh2 1.17's generateKeyPairSync('ed25519') produced that its own parseKey rejects.
const UNPARSEABLE_KEY = new URL('./fixtures/ssh2-generated-unparseable-ed25519-key.txt', import.meta.url);

void test('host keys are generated once, cached, distinct, and grow with the fleet', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-sim-keys-'));
  try {
    const first = await loadHostKeys(50, dir);
    assert.equal(first.length, 50);
    assert.equal(new Set(first).size, 50);
    assert.deepEqual(await loadHostKeys(50, dir), first, 'the second load reads the cache');
    const more = await loadHostKeys(80, dir);
    assert.deepEqual(more.slice(0, 50), first, 'growing the fleet keeps the existing hosts\' keys');
    for (const key of more) assert.ok(!(utils.parseKey(key) instanceof Error));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('regression: an unparseable generated key in the cache is replaced, the others kept', async () => {
  const bad = await readFile(UNPARSEABLE_KEY, 'utf8');
  assert.ok(utils.parseKey(bad) instanceof Error, 'the fixture still shows the ssh2 bug');
  const dir = await mkdtemp(join(tmpdir(), 'vigil-sim-keys-'));
  try {
    const good = await loadHostKeys(3, dir);
    await writeFile(join(dir, 'host-keys-ed25519.json'), JSON.stringify([good[0], bad, good[2]]));
    const keys = await loadHostKeys(3, dir);
    assert.equal(keys[0], good[0]);
    assert.equal(keys[2], good[2]);
    assert.ok(!(utils.parseKey(keys[1] as string) instanceof Error));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('the client key is a file every run agrees on, even when two start at once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-sim-keys-'));
  try {
    const [a, b] = await Promise.all([loadClientKey(dir), loadClientKey(dir)]);
    assert.deepEqual(a, b);
    const parsed = utils.parseKey(await readFile(a.file));
    assert.ok(!(parsed instanceof Error));
    assert.equal(`${parsed.type} ${parsed.getPublicSSH().toString('base64')}`, a.publicKey.split(' ').slice(0, 2).join(' '));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
