// Live edits against the running scheduler: a real inventory file in a temp dir, a real migrated
// database, the in-process bus, and a fake worker that answers every job at once (the last test
// uses the real worker, a real sshd and counting TCP proxies instead).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { sql } from 'kysely';
import type { Server } from '@hapi/hapi';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import type { InventoryStatus } from '../../../lib/db/queries/select-inventory-status.ts';
import { selectInventoryStatus } from '../../../lib/db/queries/select-inventory-status.ts';
import { selectInventoryTree } from '../../../lib/db/queries/select-inventory-tree.ts';
import { MASKED } from '../../../lib/inventory/mask-variables.ts';
import { createLogger, silentLogger } from '../../../lib/log.ts';
import type { PollJob, PollResult } from '../../../lib/poll/poll-messages.ts';
import { startInventoryScheduler } from '../../../services/scheduler/start-inventory-scheduler.ts';
import type { CountingScheduler } from '../../../services/scheduler/scheduler-service.ts';
import { createWebServer } from '../../../services/web/web-server.ts';
import { startWorker } from '../../../services/worker/worker-service.ts';
import { startTestSshd } from '../../support/sshd.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import { createTestUser } from '../../support/test-users.ts';
import { waitFor } from '../../support/wait-for.ts';

// The promise of the issue: an edit takes effect within 2 s.
const APPLY_WITHIN_MS = 2000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface ReceivedJob {
  job: PollJob;
  at: number;
}

interface Live {
  dir: string;
  hostsFile: string;
  db: VigilDb;
  bus: MemoryBus;
  scheduler: CountingScheduler;
  server: Server;
  jobs: ReceivedJob[];
  logs: string[];
  jobsOf(host: string, since?: number): PollJob[];
  /** Waits for a job of `host` received after `since` that satisfies `check`. */
  /** `timeoutMs`: by default the 2 s an edit promises, and 1.5 s for the job to travel. */
  nextJob(host: string, since: number, what: string, check?: (job: PollJob) => boolean, timeoutMs?: number): Promise<PollJob>;
  /** Waits for the reload record after the `seen`-th one; returns the new status. */
  nextReload(seen: number, what: string): Promise<InventoryStatus>;
  reloadCount(): Promise<number>;
  api(): Promise<InventoryStatus>;
}

interface LiveOptions {
  hostsRetryMs?: number;
  scriptRefreshMs?: number;
  /** The inventory file's mode: 0o755 makes it an inventory script. */
  mode?: number;
}

async function startLive(t: TestContext, inventory: string, extraFiles: Record<string, string> = {}, liveOptions: LiveOptions = {}): Promise<Live> {
  const { mode, ...schedulerOptions } = liveOptions;
  const dir = await mkdtemp(path.join(tmpdir(), 'vigil-live-'));
  const hostsFile = path.join(dir, 'hosts');
  await writeFile(hostsFile, inventory, mode === undefined ? {} : { mode });
  for (const [name, text] of Object.entries(extraFiles)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  const testDb = await createTestDatabase('postgres');
  const bus = new MemoryBus();
  const jobs: ReceivedJob[] = [];
  const worker = await bus.subscribe('poll.jobs', { name: 'workers', durable: true, prefetch: 1000 }, async (job) => {
    jobs.push({ job, at: Date.now() });
    const now = Date.now();
    const result: PollResult = {
      kind: 'failure',
      reason: 'refused',
      message: 'fake worker',
      host: job.target.name,
      seq: job.seq,
      scheduledAt: job.scheduledAt,
      startedAt: now,
      finishedAt: now,
    };
    await bus.publish('poll.results', result);
    await bus.publish('poll.done', { host: result.host, seq: result.seq });
  });
  const logs: string[] = [];
  const log = createLogger({}, { level: 'debug', write: (line) => logs.push(line) });
  const scheduler = await startInventoryScheduler({ bus, db: testDb.db, log, inventoryPath: hostsFile, ...schedulerOptions });
  const server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger });
  const viewer = await createTestUser(testDb.db, { role: 'viewer' });
  t.after(async () => {
    await scheduler.stop();
    await server.stop();
    await worker.close();
    await bus.close();
    await testDb.close();
    await rm(dir, { recursive: true, force: true });
  });
  const reloadCount = async (): Promise<number> => {
    const row = await testDb.db.selectFrom('inventory_reloads').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const jobsOf = (host: string, since = 0): PollJob[] => jobs.filter((j) => j.job.target.name === host && j.at > since).map((j) => j.job);
  return {
    dir,
    hostsFile,
    db: testDb.db,
    bus,
    scheduler,
    server,
    jobs,
    logs,
    jobsOf,
    nextJob: (host, since, what, check = () => true, timeoutMs = APPLY_WITHIN_MS + 1500) =>
      waitFor(what, timeoutMs, () => jobsOf(host, since).find(check), 20),
    nextReload: async (seen, what) => {
      await waitFor(what, APPLY_WITHIN_MS, async () => ((await reloadCount()) > seen ? true : undefined), 20);
      return selectInventoryStatus(testDb.db);
    },
    reloadCount,
    api: async () => {
      const res = await server.inject({ url: '/api/v1/inventory', headers: viewer.headers });
      assert.equal(res.statusCode, 200);
      return JSON.parse(res.payload) as InventoryStatus;
    },
  };
}

async function hostRow(db: VigilDb, name: string) {
  return db.selectFrom('hosts').select(['name', 'address', 'interval_sec', 'removed_at']).where('name', '=', name).executeTakeFirst();
}

/** Saves as many editors do: a temp file beside the target, renamed over it. */
async function atomicSave(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await writeFile(temp, text);
  await rename(temp, file);
}

const TWO_HOSTS = '[web]\nweb1 ansible_host=127.0.0.11 vigil_interval=1\nweb2 ansible_host=127.0.0.12 vigil_interval=1\n';

void describe('startInventoryScheduler with live edits', () => {
  void test('starts with the inventory, mirrors it in the hosts table and records the load', async (t) => {
    const live = await startLive(t, TWO_HOSTS);
    await live.nextJob('web1', 0, 'a job for web1');
    await live.nextJob('web2', 0, 'a job for web2');
    assert.equal((await hostRow(live.db, 'web1'))?.address, '127.0.0.11');
    const status = await live.api();
    assert.equal(status.current?.hosts, 2);
    assert.equal(status.current?.source, live.hostsFile);
    assert.deepEqual(
      status.recent.map((r) => [r.ok, r.hosts, r.added, r.removed, r.changed]),
      [[true, 2, 2, 0, 0]],
    );
  });

  void test('a host added to the file is polled within 2 s and listed', async (t) => {
    const live = await startLive(t, TWO_HOSTS);
    const seen = await live.reloadCount();
    const savedAt = Date.now();
    await writeFile(live.hostsFile, `${TWO_HOSTS}web3 ansible_host=127.0.0.13 vigil_interval=1\n`);
    await waitFor('web3 polled', APPLY_WITHIN_MS, () => live.jobsOf('web3', savedAt)[0], 20);
    assert.equal((await hostRow(live.db, 'web3'))?.address, '127.0.0.13');
    const status = await live.nextReload(seen, 'the reload record');
    assert.deepEqual([status.lastReload?.ok, status.lastReload?.hosts, status.lastReload?.added], [true, 3, 1]);
  });

  void test('hosts the database refused are polled at once, stored again until it takes them, and the reload recorded only then', async (t) => {
    const live = await startLive(t, TWO_HOSTS, {}, { hostsRetryMs: 100 });
    await live.nextJob('web1', 0, 'a job for web1');
    const seen = await live.reloadCount();
    // A real failure of the real database: the table is not there while the edit is applied.
    await sql`ALTER TABLE hosts RENAME TO hosts_away`.execute(live.db);
    const savedAt = Date.now();
    await writeFile(live.hostsFile, `${TWO_HOSTS}web3 ansible_host=127.0.0.13 vigil_interval=1\n`);
    await waitFor('web3 polled', APPLY_WITHIN_MS, () => live.jobsOf('web3', savedAt)[0], 20);
    const failures = (): string[] => live.logs.filter((l) => l.includes('storing the inventory\'s hosts in the database failed'));
    await waitFor('two failed attempts logged', 5_000, () => (failures().length >= 2 ? true : undefined), 20);
    const failed = JSON.parse(failures()[0]!) as Record<string, unknown>;
    assert.equal(failed['level'], 'error');
    assert.match(JSON.stringify(failed['error']), /hosts/, 'the database\'s own message says what failed');
    assert.equal(await live.reloadCount(), seen, 'not recorded as a good reload while its hosts are not stored');

    await sql`ALTER TABLE hosts_away RENAME TO hosts`.execute(live.db);
    const status = await live.nextReload(seen, 'the reload recorded once stored');
    assert.deepEqual([status.lastReload?.ok, status.lastReload?.hosts, status.lastReload?.added], [true, 3, 1]);
    assert.equal((await hostRow(live.db, 'web3'))?.address, '127.0.0.13');
    assert.ok(live.logs.some((l) => l.includes('the inventory\'s hosts are stored')));
  });

  void test('a removed host stops being polled, is marked removed and keeps its samples', async (t) => {
    const live = await startLive(t, TWO_HOSTS);
    await live.nextJob('web2', 0, 'a job for web2');
    await live.db
      .insertInto('samples')
      .values({
        host: 'web2', ts: new Date(), cpu_busy_pct: 5, cpu_count: 1, mem_total_bytes: 1, mem_available_bytes: 1, mem_used_pct: 0,
        swap_total_bytes: 0, swap_used_bytes: 0, load1: 0, load5: 0, load15: 0, uptime_sec: 1, net_rx_bps: 0, net_tx_bps: 0,
        disk_used_pct_max: 0, filesystems: '[]', interfaces: '[]',
      })
      .execute();
    const seen = await live.reloadCount();
    await writeFile(live.hostsFile, '[web]\nweb1 ansible_host=127.0.0.11 vigil_interval=1\n');
    await waitFor('web2 unscheduled', APPLY_WITHIN_MS, () => (live.scheduler.targets().some((tg) => tg.name === 'web2') ? undefined : true), 20);
    const status = await live.nextReload(seen, 'the reload record');
    assert.deepEqual([status.lastReload?.hosts, status.lastReload?.removed], [1, 1]);
    assert.ok((await hostRow(live.db, 'web2'))?.removed_at instanceof Date);
    const after = Date.now();
    // Two intervals: web1 goes on, web2 gets nothing.
    await sleep(2000);
    assert.deepEqual(live.jobsOf('web2', after), []);
    assert.ok(live.jobsOf('web1', after).length >= 1);
    const samples = await live.db.selectFrom('samples').select('host').where('host', '=', 'web2').execute();
    assert.equal(samples.length, 1);
  });

  void test('a changed address, user or interval rides on the next job', async (t) => {
    const live = await startLive(t, TWO_HOSTS);
    await live.nextJob('web1', 0, 'a job for web1');
    const seen = await live.reloadCount();
    const savedAt = Date.now();
    await writeFile(
      live.hostsFile,
      '[web]\nweb1 ansible_host=127.0.0.21 ansible_user=monitor vigil_interval=2\nweb2 ansible_host=127.0.0.12 vigil_interval=1\n',
    );
    const job = await live.nextJob('web1', savedAt, 'a job for web1 with the new address', (j) => j.target.address === '127.0.0.21');
    assert.equal(job.target.user, 'monitor');
    assert.equal(job.target.intervalSec, 2);
    const status = await live.nextReload(seen, 'the reload record');
    assert.deepEqual([status.lastReload?.hosts, status.lastReload?.added, status.lastReload?.changed], [2, 0, 1]);
    assert.deepEqual(await hostRow(live.db, 'web1').then((r) => [r?.address, r?.interval_sec]), ['127.0.0.21', 2]);
  });

  void test('a broken edit keeps the last good hosts polled, is recorded with file and line and served; a fix recovers', async (t) => {
    const live = await startLive(t, TWO_HOSTS);
    await live.nextJob('web1', 0, 'a job for web1');
    let seen = await live.reloadCount();
    await writeFile(live.hostsFile, '[web]\nweb1 ansible_host=127.0.0.11 vigil_interval=1\n[web\nweb2\n');
    const broken = await live.nextReload(seen, 'the failed reload record');
    seen += 1;
    assert.equal(broken.lastError?.ok, false);
    assert.equal(broken.lastError?.hosts, 2);
    assert.equal(broken.lastError?.error?.file, live.hostsFile);
    assert.equal(broken.lastError?.error?.line, 3);
    assert.ok(broken.lastError?.error?.message, 'the error says what is wrong');
    assert.equal(broken.current?.hosts, 2);
    const served = await live.api();
    assert.deepEqual(served.lastError, broken.lastError);
    const logged = live.logs.map((line) => JSON.parse(line) as { level: string; msg: string; error?: { message: string } });
    assert.ok(
      logged.some((entry) => entry.level === 'error' && entry.error?.message.startsWith(`${live.hostsFile}:3: `)),
      `no error log naming ${live.hostsFile}:3 in ${live.logs.join('\n')}`,
    );

    // Monitoring goes on with the last good set.
    const brokenAt = Date.now();
    await live.nextJob('web1', brokenAt, 'web1 still polled');
    await live.nextJob('web2', brokenAt, 'web2 still polled');

    await writeFile(live.hostsFile, `${TWO_HOSTS}web3 ansible_host=127.0.0.13 vigil_interval=1\n`);
    const fixed = await live.nextReload(seen, 'the good reload record');
    assert.equal(fixed.lastError, null);
    assert.equal(fixed.current?.hosts, 3);
    // Counted against the last good set, not against the failed one.
    assert.deepEqual([fixed.lastReload?.added, fixed.lastReload?.removed], [1, 0]);
    await live.nextJob('web3', brokenAt, 'web3 polled after the fix');
    assert.equal((await live.api()).lastError, null);
  });

  void test('an inventory script is run again for the hosts it adds and drops, without any edit; a failing run keeps the last good hosts', async (t) => {
    // What the script prints lives outside the inventory's directory, so no file watch sees it change.
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'vigil-cloud-'));
    t.after(() => rm(elsewhere, { recursive: true, force: true }));
    const answer = path.join(elsewhere, 'instances.json');
    const instances = (...names: string[]): string =>
      JSON.stringify({ cloud: names, _meta: { hostvars: Object.fromEntries(names.map((name, i) => [name, { ansible_host: `127.0.0.${21 + i}`, vigil_interval: 1 }])) } });
    await writeFile(answer, instances('vm-1'));
    const live = await startLive(t, `#!/bin/sh\ncat ${answer}\n`, {}, { scriptRefreshMs: 300, mode: 0o755 });
    await live.nextJob('vm-1', 0, 'a job for vm-1');
    assert.ok(live.logs.some((line) => line.includes('the inventory has scripts')), 'the operator is told it is read again');

    const seen = await live.reloadCount();
    const grownAt = Date.now();
    await writeFile(answer, instances('vm-2', 'vm-3'));
    // No promise of 2 s here, as for an edit: the script's next run, and a loaded machine, set the pace.
    const scriptPace = 10_000;
    await live.nextJob('vm-3', grownAt, 'a job for vm-3, new in the script\'s answer', undefined, scriptPace);
    const grown = await waitFor('the reload record', scriptPace, async () => {
      const status = await selectInventoryStatus(live.db);
      return (await live.reloadCount()) > seen && status.lastReload?.hosts === 2 ? status : undefined;
    }, 20);
    assert.deepEqual([grown.lastReload?.ok, grown.lastReload?.hosts], [true, 2]);
    assert.ok((await hostRow(live.db, 'vm-1'))?.removed_at, 'vm-1, gone from the answer, is marked removed');

    // The cloud's API fails: the script exits non-zero, and vm-2 and vm-3 stay polled. Good reloads
    // go on being recorded until the script's next run, so the wait is for the failed one itself.
    await rm(answer);
    const failed = await waitFor('the failed reload record', scriptPace, async () => {
      const status = await selectInventoryStatus(live.db);
      return status.lastError ? status : undefined;
    }, 20);
    assert.equal(failed.lastError?.ok, false);
    assert.match(failed.lastError?.error?.message ?? '', /had an execution error: cat: .*instances\.json: No such file or directory/);
    const failedAt = Date.now();
    await live.nextJob('vm-3', failedAt, 'vm-3 still polled');
    // And it recovers on a later run, still without an edit.
    await writeFile(answer, instances('vm-2', 'vm-3', 'vm-4'));
    await live.nextJob('vm-4', failedAt, 'vm-4 polled once the script works again', undefined, scriptPace);
  });

  void test('an atomic save (temp file renamed over the inventory) is applied, and so is the next one', async (t) => {
    const live = await startLive(t, TWO_HOSTS);
    let savedAt = Date.now();
    await atomicSave(live.hostsFile, `${TWO_HOSTS}web3 ansible_host=127.0.0.13 vigil_interval=1\n`);
    await waitFor('web3 polled', APPLY_WITHIN_MS, () => live.jobsOf('web3', savedAt)[0], 20);
    savedAt = Date.now();
    await atomicSave(live.hostsFile, `${TWO_HOSTS}web4 ansible_host=127.0.0.14 vigil_interval=1\n`);
    await waitFor('web4 polled', APPLY_WITHIN_MS, () => live.jobsOf('web4', savedAt)[0], 20);
    await waitFor('web3 unscheduled', APPLY_WITHIN_MS, () => (live.scheduler.targets().some((tg) => tg.name === 'web3') ? undefined : true), 20);
  });

  void test('ten rapid saves are one or few reloads, and the last content wins', async (t) => {
    const live = await startLive(t, TWO_HOSTS);
    const seen = await live.reloadCount();
    for (let i = 1; i <= 10; i++) {
      const extra = Array.from({ length: i }, (_, k) => `burst${k} ansible_host=127.0.1.${k + 1} vigil_interval=1`).join('\n');
      if (i % 2 === 0) await atomicSave(live.hostsFile, `${TWO_HOSTS}${extra}\n`);
      else await writeFile(live.hostsFile, `${TWO_HOSTS}${extra}\n`);
      await sleep(30);
    }
    await waitFor('all ten burst hosts scheduled', APPLY_WITHIN_MS, () => (live.scheduler.targets().length === 12 ? true : undefined), 20);
    await sleep(1000);
    const reloads = (await live.reloadCount()) - seen;
    assert.ok(reloads >= 1 && reloads <= 3, `${reloads} reloads for one burst of saves`);
    const status = await live.api();
    assert.equal(status.lastReload?.ok, true);
    assert.equal(status.current?.hosts, 12);
  });

  void test('an edit of group_vars/ applies, also when group_vars/ is created after the start', async (t) => {
    const live = await startLive(t, TWO_HOSTS.replace(/ vigil_interval=1/g, ''), { 'group_vars/all.yml': 'vigil_interval: 1\n' });
    await live.nextJob('web1', 0, 'a job for web1');
    let savedAt = Date.now();
    await writeFile(path.join(live.dir, 'group_vars', 'all.yml'), 'vigil_interval: 1\nansible_user: from-group-vars\n');
    await live.nextJob('web1', savedAt, 'a job with the user from group_vars', (j) => j.target.user === 'from-group-vars');
    savedAt = Date.now();
    await mkdir(path.join(live.dir, 'host_vars'));
    await writeFile(path.join(live.dir, 'host_vars', 'web2.yml'), 'ansible_host: 127.0.0.99\n');
    await live.nextJob('web2', savedAt, 'a job with the address from host_vars', (j) => j.target.address === '127.0.0.99');
  });

  void test('secrets in a broken line are never logged, recorded or served', async (t) => {
    const secret = 'hunter2-do-not-leak';
    const live = await startLive(t, `${TWO_HOSTS}web3 ansible_host=127.0.0.13 ansible_password=${secret} vigil_interval=1\n`);
    const seen = await live.reloadCount();
    // An unclosed quote: a reader's error may quote the whole line back.
    await writeFile(live.hostsFile, `${TWO_HOSTS}web3 ansible_password="${secret} ansible_become_password='${secret}2 vigil_interval=1\n`);
    const status = await live.nextReload(seen, 'the failed reload record');
    assert.equal(status.lastError?.ok, false);
    const rows = await live.db.selectFrom('inventory_reloads').selectAll().execute();
    const everything = [JSON.stringify(rows), JSON.stringify(await live.api()), ...live.logs].join('\n');
    assert.ok(!everything.includes(secret), `a secret leaked:\n${everything}`);
  });

  void test('a good reload stores a masked snapshot of the inventory, once per change; a failed one stores none', async (t) => {
    const secret = 'hunter3-do-not-store';
    const live = await startLive(t, `${TWO_HOSTS}[web:vars]\nansible_password=${secret}\nhttp_port=8080\n`);
    const snapshots = () => live.db.selectFrom('inventory_snapshots').select(['id', 'source']).orderBy('id').execute();
    const first = await waitFor('the first snapshot', APPLY_WITHIN_MS, async () => ((await snapshots()).length === 1 ? selectInventoryTree(live.db) : undefined), 20);
    assert.equal(first?.source, live.hostsFile);
    assert.deepEqual(first?.groups.map((g) => [g.name, g.children, g.hosts]), [
      ['all', ['ungrouped', 'web'], []],
      ['ungrouped', [], []],
      ['web', [], ['web1', 'web2']],
    ]);
    assert.deepEqual(first?.groups[2]?.vars, { ansible_password: MASKED, http_port: 8080 });
    assert.deepEqual(first?.hosts['web1'], {
      groups: ['web'],
      vars: { ansible_password: MASKED, http_port: 8080, ansible_host: '127.0.0.11', vigil_interval: 1 },
    });

    // A save that changes nothing Ansible sees (a comment) is a reload but no new snapshot.
    let seen = await live.reloadCount();
    await writeFile(live.hostsFile, `# edited\n${TWO_HOSTS}[web:vars]\nansible_password=${secret}\nhttp_port=8080\n`);
    await live.nextReload(seen, 'the reload after a comment');
    assert.equal((await snapshots()).length, 1);

    seen = await live.reloadCount();
    await writeFile(live.hostsFile, '[web\nweb1\n');
    await live.nextReload(seen, 'the failed reload');
    assert.equal((await snapshots()).length, 1);

    seen = await live.reloadCount();
    await writeFile(live.hostsFile, `${TWO_HOSTS}db1 ansible_host=127.0.0.31 vigil_interval=1\n`);
    await live.nextReload(seen, 'the reload adding db1');
    const latest = await selectInventoryTree(live.db);
    assert.equal((await snapshots()).length, 2);
    assert.ok((latest?.version ?? 0) > (first?.version ?? Infinity));
    assert.deepEqual(latest?.hosts['db1'], { groups: ['web'], vars: { ansible_host: '127.0.0.31', vigil_interval: 1 } });

    const stored = JSON.stringify(await live.db.selectFrom('inventory_snapshot_hosts').selectAll().execute());
    assert.ok(!stored.includes(secret), 'the secret is stored');
    assert.ok(!JSON.stringify(await live.db.selectFrom('inventory_snapshots').selectAll().execute()).includes(secret), 'the secret is stored');
  });
});

/** A loopback TCP proxy to `port` that counts the connections it accepts. */
async function countingProxy(cleanups: (() => Promise<unknown>)[], port: number): Promise<{ port: number; connections(): number }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect({ host: '127.0.0.1', port });
    for (const sock of [client, upstream]) {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const sock of sockets) sock.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address() as net.AddressInfo;
  return { port: address.port, connections: () => connections };
}

void describe('startInventoryScheduler with the real worker', () => {
  void test('a reload that changes one host does not reopen the SSH connection of another', async (t) => {
    // Undone last first: the scheduler and the worker stop before sshd and the proxies go.
    const cleanups: (() => Promise<unknown>)[] = [];
    t.after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });
    const sshd = await startTestSshd();
    cleanups.push(() => sshd.stop());
    const [proxyA, proxyB, proxyC] = [
      await countingProxy(cleanups, sshd.port),
      await countingProxy(cleanups, sshd.port),
      await countingProxy(cleanups, sshd.port),
    ];
    const dir = await mkdtemp(path.join(tmpdir(), 'vigil-live-ssh-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const hostsFile = path.join(dir, 'hosts');
    const line = (name: string, port: number): string =>
      `${name} ansible_host=127.0.0.1 ansible_port=${port} ansible_user=${sshd.user} ansible_ssh_private_key_file=${sshd.clientKeyFile} ansible_host_key_checking=false vigil_interval=1`;
    await writeFile(hostsFile, `[web]\n${line('a', proxyA.port)}\n${line('b', proxyB.port)}\n`);

    const testDb = await createTestDatabase('postgres');
    cleanups.push(() => testDb.close());
    const bus = new MemoryBus();
    cleanups.push(() => bus.close());
    const samples = new Map<string, number>();
    const results = await bus.subscribe('poll.results', { name: 'test-results', durable: false, prefetch: 100 }, async (result) => {
      if (result.kind === 'sample') samples.set(result.host, (samples.get(result.host) ?? 0) + 1);
    });
    cleanups.push(() => results.close());
    const worker = await startWorker({ bus, log: silentLogger, connectTimeoutMs: 5000 });
    cleanups.push(() => worker.stop());
    const scheduler = await startInventoryScheduler({ bus, db: testDb.db, log: silentLogger, inventoryPath: hostsFile });
    cleanups.push(() => scheduler.stop());

    const polled = (host: string, n: number) => () => ((samples.get(host) ?? 0) >= n ? true : undefined);
    await waitFor('two samples of a', 20_000, polled('a', 2));
    await waitFor('two samples of b', 20_000, polled('b', 2));
    assert.deepEqual([proxyA.connections(), proxyB.connections()], [1, 1]);

    // b moves to another port (a new connection); a is untouched.
    const before = samples.get('a') ?? 0;
    await writeFile(hostsFile, `[web]\n${line('a', proxyA.port)}\n${line('b', proxyC.port)}\n`);
    await waitFor('b polled through its new port', 20_000, () => (proxyC.connections() >= 1 && (samples.get('b') ?? 0) >= 3 ? true : undefined));
    await waitFor('three more samples of a', 20_000, polled('a', before + 3));
    assert.equal(proxyA.connections(), 1, 'the unchanged host kept its one SSH connection');
    assert.equal(proxyC.connections(), 1);
    const status = await selectInventoryStatus(testDb.db);
    assert.deepEqual([status.lastReload?.ok, status.lastReload?.changed], [true, 1]);
  });
});
