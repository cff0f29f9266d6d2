// A vaulted ansible_password in group_vars reaches the poll jobs decrypted (never the hosts
// table or the inventory snapshot), given VIGIL_VAULT_PASSWORD_FILE; without the password the start fails clearly.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { PollJob } from '../../../lib/poll/poll-messages.ts';
import { selectInventoryTree } from '../../../lib/db/queries/select-inventory-tree.ts';
import { MASKED } from '../../../lib/inventory/mask-variables.ts';
import { silentLogger } from '../../../lib/log.ts';
import { startInventoryScheduler } from '../../../services/scheduler/start-inventory-scheduler.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { waitFor } from '../../support/wait-for.ts';

const run = promisify(execFile);
let dir: string;
let database: TestDatabase;
const passwordFile = () => path.join(dir, 'vault-pass');

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-vaulted-'));
  await writeFile(passwordFile(), 'correct horse\n');
  const { stdout } = await run('ansible-vault', ['encrypt_string', '--vault-password-file', passwordFile(), 's3cret-pass', '--name', 'ansible_password'], {
    env: { ...process.env, HOME: dir, ANSIBLE_HOME: dir },
  });
  await mkdir(path.join(dir, 'group_vars'));
  await writeFile(path.join(dir, 'group_vars', 'web.yml'), stdout);
  await writeFile(path.join(dir, 'hosts'), '[web]\nweb1 ansible_host=127.0.0.1 vigil_interval=1\n');
  database = await createTestDatabase('postgres');
});

after(async () => {
  await database?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the vaulted password is decrypted into the poll jobs and stored nowhere', async () => {
  const bus = new MemoryBus();
  const jobs: PollJob[] = [];
  await bus.subscribe('poll.jobs', { name: 'probe', durable: false, prefetch: 10 }, async (job) => {
    jobs.push(job);
  });
  const scheduler = await startInventoryScheduler({
    bus,
    db: database.db,
    log: silentLogger,
    inventoryPath: path.join(dir, 'hosts'),
    vaultPasswordFile: passwordFile(),
    watch: false,
  });
  try {
    const job = await waitFor('a job for web1', 10_000, () => jobs[0]);
    assert.equal(job.target.password, 's3cret-pass');
    const rows = await database.db.selectFrom('hosts').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.doesNotMatch(JSON.stringify(rows), /s3cret/);
    // The inventory page's snapshot shows the variable, masked, and holds the secret nowhere.
    const tree = await waitFor('the inventory snapshot', 10_000, () => selectInventoryTree(database.db).then((t) => t ?? undefined));
    assert.equal(tree.hosts['web1']?.vars['ansible_password'], MASKED);
    assert.equal(tree.groups.find((g) => g.name === 'web')?.vars['ansible_password'], MASKED);
    const stored = [
      await database.db.selectFrom('inventory_snapshots').selectAll().execute(),
      await database.db.selectFrom('inventory_snapshot_hosts').selectAll().execute(),
    ];
    assert.doesNotMatch(JSON.stringify(stored), /s3cret|ANSIBLE_VAULT/);
  } finally {
    await scheduler.stop();
    await bus.close();
  }
});

test('without the vault password the start fails naming the problem, not the secret', async () => {
  const bus = new MemoryBus();
  await assert.rejects(
    startInventoryScheduler({ bus, db: database.db, log: silentLogger, inventoryPath: path.join(dir, 'hosts'), watch: false }),
    (error: Error) => {
      assert.match(error.message, /vault/i);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    },
  );
  await bus.close();
});
