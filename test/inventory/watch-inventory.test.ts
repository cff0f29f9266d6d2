import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { watchInventory } from '../../lib/inventory/watch-inventory.ts';
import type { WatchInventoryOptions } from '../../lib/inventory/watch-inventory.ts';
import { waitFor } from '../support/wait-for.ts';

// The promise of the issue: an edit is applied within 2 s.
const APPLY_WITHIN_MS = 2000;
// Long enough after the debounce for a call that should not come to have come.
const SETTLE_MS = 700;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Watched {
  dir: string;
  calls(): number;
  /** Waits for the count to pass `seen`, then for the burst to settle; returns the new count. */
  nextCall(seen: number, what: string): Promise<number>;
  assertQuiet(seen: number, what: string): Promise<void>;
}

async function watched(t: TestContext, layout: 'file' | 'directory', options: WatchInventoryOptions = {}): Promise<Watched> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vigil-watch-'));
  const inventory = layout === 'file' ? path.join(dir, 'hosts') : path.join(dir, 'inventory');
  if (layout === 'file') await writeFile(inventory, '[web]\nweb1\n');
  else {
    await mkdir(inventory);
    await writeFile(path.join(inventory, 'hosts.yml'), 'all: {}\n');
  }
  let count = 0;
  const watcher = watchInventory(inventory, () => count++, options);
  t.after(async () => {
    watcher.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    dir: layout === 'file' ? dir : inventory,
    calls: () => count,
    nextCall: async (seen, what) => {
      await waitFor(what, APPLY_WITHIN_MS, () => (count > seen ? true : undefined), 20);
      await sleep(SETTLE_MS);
      return count;
    },
    assertQuiet: async (seen, what) => {
      await sleep(SETTLE_MS);
      assert.equal(count, seen, what);
    },
  };
}

void describe('watchInventory beside an inventory file', () => {
  void test('an in-place save is one call', async (t) => {
    const w = await watched(t, 'file');
    await w.assertQuiet(0, 'no call without an edit');
    await writeFile(path.join(w.dir, 'hosts'), '[web]\nweb1\nweb2\n');
    assert.equal(await w.nextCall(0, 'the edit'), 1);
  });

  void test('an atomic save (temp file renamed over the inventory) is seen, and so are later saves', async (t) => {
    const w = await watched(t, 'file');
    const hosts = path.join(w.dir, 'hosts');
    let seen = 0;
    for (let i = 0; i < 3; i++) {
      const temp = path.join(w.dir, `.hosts.tmp-${i}`);
      await writeFile(temp, `[web]\nweb${i}\n`);
      await rename(temp, hosts);
      seen = await w.nextCall(seen, `atomic save ${i}`);
    }
    // The rename replaced the inode: a watch on the file itself would be deaf by now.
    await writeFile(hosts, '[web]\nweb9\n');
    await w.nextCall(seen, 'an in-place save after atomic ones');
  });

  void test('a burst of saves is one call, or few', async (t) => {
    const w = await watched(t, 'file');
    for (let i = 0; i < 10; i++) {
      await writeFile(path.join(w.dir, 'hosts'), `[web]\nweb${i}\n`);
      await sleep(20);
    }
    const calls = await w.nextCall(0, 'the burst');
    assert.ok(calls <= 2, `${calls} calls for one burst`);
  });

  void test('endless churn still gets a call, after maxWaitMs at the latest', async (t) => {
    const w = await watched(t, 'file', { debounceMs: 200, maxWaitMs: 600 });
    const hosts = path.join(w.dir, 'hosts');
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        await writeFile(hosts, `[web]\nweb${i}\n`);
        await sleep(50);
      }
    })();
    try {
      // Saves never pause for the debounce; the call must come anyway.
      await waitFor('a call during continuous saves', APPLY_WITHIN_MS, () => (w.calls() > 0 ? true : undefined), 20);
    } finally {
      writing = false;
      await writer;
    }
  });

  void test('other files beside the inventory, and editor swap files, are not edits', async (t) => {
    const w = await watched(t, 'file');
    await writeFile(path.join(w.dir, 'README.md'), 'notes\n');
    await writeFile(path.join(w.dir, 'playbook.yml'), '- hosts: all\n');
    await writeFile(path.join(w.dir, '.hosts.swp'), 'swap');
    await w.assertQuiet(0, 'unrelated files');
  });

  void test('group_vars and host_vars, also created after the start and nested, are followed', async (t) => {
    const w = await watched(t, 'file');
    let seen = 0;
    await mkdir(path.join(w.dir, 'group_vars'));
    seen = await w.nextCall(seen, 'group_vars created');
    await writeFile(path.join(w.dir, 'group_vars', 'web.yml'), 'vigil_interval: 5\n');
    seen = await w.nextCall(seen, 'group_vars/web.yml written');
    // A directory per group, created with its file in one go, then edited.
    await mkdir(path.join(w.dir, 'group_vars', 'db'));
    await writeFile(path.join(w.dir, 'group_vars', 'db', 'main.yml'), 'vigil_interval: 7\n');
    seen = await w.nextCall(seen, 'group_vars/db/main.yml created');
    await writeFile(path.join(w.dir, 'group_vars', 'db', 'main.yml'), 'vigil_interval: 8\n');
    seen = await w.nextCall(seen, 'group_vars/db/main.yml edited');
    await mkdir(path.join(w.dir, 'host_vars', 'web1'), { recursive: true });
    seen = await w.nextCall(seen, 'host_vars/web1 created');
    await writeFile(path.join(w.dir, 'host_vars', 'web1', 'vars.yml'), 'ansible_host: 10.0.0.1\n');
    seen = await w.nextCall(seen, 'host_vars/web1/vars.yml written');
    // Deleted and made again: the new directory is watched, not the old one.
    await rm(path.join(w.dir, 'group_vars'), { recursive: true });
    seen = await w.nextCall(seen, 'group_vars deleted');
    await mkdir(path.join(w.dir, 'group_vars'));
    seen = await w.nextCall(seen, 'group_vars created again');
    await writeFile(path.join(w.dir, 'group_vars', 'all.yml'), 'vigil_interval: 3\n');
    await w.nextCall(seen, 'group_vars/all.yml in the new group_vars');
  });

  void test('with varsDirs false (a lone file such as alerts.yml), only the file itself is followed', async (t) => {
    const w = await watched(t, 'file', { varsDirs: false });
    await mkdir(path.join(w.dir, 'group_vars'));
    await writeFile(path.join(w.dir, 'group_vars', 'web.yml'), 'vigil_interval: 5\n');
    await w.assertQuiet(0, 'group_vars beside it is not its business');
    await writeFile(path.join(w.dir, 'hosts'), '[web]\nweb2\n');
    await w.nextCall(0, 'the file itself');
  });

  void test('close() stops the calls', async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vigil-watch-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'hosts'), 'web1\n');
    let count = 0;
    const watcher = watchInventory(path.join(dir, 'hosts'), () => count++);
    await writeFile(path.join(dir, 'hosts'), 'web2\n');
    // Closed inside the debounce: the pending call is dropped too.
    watcher.close();
    await writeFile(path.join(dir, 'hosts'), 'web3\n');
    await sleep(SETTLE_MS);
    assert.equal(count, 0);
  });
});

void describe('watchInventory on an inventory directory', () => {
  void test('new, edited and renamed files, in the directory and in subdirectories made later, are seen', async (t) => {
    const w = await watched(t, 'directory');
    let seen = 0;
    await writeFile(path.join(w.dir, 'hosts.yml'), 'all:\n  hosts:\n    web1:\n');
    seen = await w.nextCall(seen, 'hosts.yml edited');
    await writeFile(path.join(w.dir, 'db.ini'), '[db]\ndb1\n');
    seen = await w.nextCall(seen, 'a new file');
    await mkdir(path.join(w.dir, 'prod', 'group_vars'), { recursive: true });
    seen = await w.nextCall(seen, 'a new subdirectory');
    await writeFile(path.join(w.dir, 'prod', 'group_vars', 'all.yml'), 'vigil_interval: 2\n');
    seen = await w.nextCall(seen, 'a file in the new subdirectory');
    await writeFile(path.join(w.dir, '.tmp-save'), '[db]\ndb2\n');
    await rename(path.join(w.dir, '.tmp-save'), path.join(w.dir, 'db.ini'));
    seen = await w.nextCall(seen, 'an atomic save');
    await writeFile(path.join(w.dir, 'hosts.yml~'), 'backup');
    await w.assertQuiet(seen, 'an editor backup file');
  });

  void test('a directory replaced whole (moved away, a new one moved in) is followed', async (t) => {
    const w = await watched(t, 'directory', { retryMs: 200 });
    const staging = `${w.dir}.new`;
    await mkdir(staging);
    await writeFile(path.join(staging, 'hosts.yml'), 'all: {}\n');
    await rename(w.dir, `${w.dir}.old`);
    await rename(staging, w.dir);
    let seen = await w.nextCall(0, 'the swap');
    // The new directory is the one watched now.
    await writeFile(path.join(w.dir, 'hosts.yml'), 'all:\n  hosts:\n    web1:\n');
    seen = await w.nextCall(seen, 'an edit in the new directory');
    await writeFile(path.join(`${w.dir}.old`, 'hosts.yml'), 'all: {}\n');
    await w.assertQuiet(seen, 'an edit in the old directory');
  });
});
