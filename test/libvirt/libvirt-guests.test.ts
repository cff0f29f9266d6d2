// A KVM host's guests (vigil_libvirt) through the real worker and a real sshd: the real virsh
// against libvirt's test driver (a node file with a running, a paused and a shut-off domain) lists
// them after the host's poll over the same connection, they travel as children and are stored as
// entries under the host on PostgreSQL. Faults, each through sshd with its own PATH: virsh missing,
// a URI virsh cannot connect to, a virsh that hangs, and one that lies. None of them fails the
// host's poll or stops its sample being stored; each is named in the log and in the sample's missing.
// A fake virsh whose counters grow shows the worker keeping each host's last counters for the
// guests' rates. `vigil poll HOST` lists the guests too.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import type { Subscription } from '../../lib/bus/message-bus.ts';
import { ensureSamplePartitions } from '../../lib/db/ensure-sample-partitions.ts';
import { applyPollResults } from '../../lib/db/queries/apply-poll-results.ts';
import { syncInventoryHosts } from '../../lib/db/queries/sync-inventory-hosts.ts';
import { createLogger } from '../../lib/log.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import type { PollJob, PollResult, PollSuccess } from '../../lib/poll/poll-messages.ts';
import { startWorker } from '../../services/worker/worker-service.ts';
import type { Worker } from '../../services/worker/worker-service.ts';
import { startTestSshd } from '../support/sshd.ts';
import type { TestSshd } from '../support/sshd.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let dir: string;
let nodeUri: string;
/** sshd whose logins find the real virsh, one whose PATH has none, one with a virsh that hangs, one with a virsh that lies. */
let real: TestSshd;
let noVirsh: TestSshd;
let hanging: TestSshd;
let lying: TestSshd;
let bus: MemoryBus;
let worker: Worker;
let resultsSubscription: Subscription;
let testDb: TestDatabase;
const results: PollResult[] = [];
const logLines: Array<Record<string, unknown>> = [];

// What the fake virsh says, by the URI it is given: no virsh output at all, a table then lying
// figures, or (growing) one running domain whose counters grow by a fixed step at each listing.
const fakeVirsh = (stateDir: string): string => `#!/bin/sh
case "$3" in
  *growing*)
    if [ "$4" = list ]; then
      printf ' Id   Name   State\n----------------------\n 5    app    running\n'
      exit 0
    fi
    n=$(cat ${stateDir}/calls 2>/dev/null || echo 0)
    n=$((n + 1))
    echo "$n" > ${stateDir}/calls
    printf "Domain: 'app'\n  state.state=1\n  cpu.time=%s\n  vcpu.current=2\n  balloon.current=1048576\n  net.count=1\n  net.0.name=vnet0\n  net.0.rx.bytes=%s\n  net.0.tx.bytes=%s\n  block.count=1\n  block.0.name=vda\n  block.0.rd.bytes=%s\n  block.0.wr.bytes=0\n" \\
      $((n * 500000000)) $((n * 1000)) $((n * 10)) $((n * 4096))
    exit 0 ;;
  *garbage*)
    printf '\\001\\002 <html>500 Internal Server Error</html>\\n-1 -1 -1\\nId Name\\n@@status x\\n'
    exit 0 ;;
esac
case "$4" in
  list)
    printf ' Id   Name   State\\n----------------------\\n 3    liar   running\\n 4    ghost  teleporting\\n nonsense\\n' ;;
  domstats)
    printf "Domain: 'liar'\\n  state.state=1\\n  cpu.time=%s\\n  vcpu.current=-1\\n  vcpu.maximum=0\\n  balloon.current=NaN\\n  balloon.available=5\\n  balloon.usable=900\\n  block.count=99999999\\n  net.count=1\\n  net.0.name=vnet0\\n  net.0.rx.bytes=1e400\\n" "$(printf '9%.0s' $(seq 1 400))" ;;
esac
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-libvirt-'));
  // The test user reads the node file and runs the fake virshes.
  await chmod(dir, 0o755);
  await copyFile(new URL('../fixtures/libvirt/test-node.xml', import.meta.url), join(dir, 'test-node.xml'));
  await chmod(join(dir, 'test-node.xml'), 0o644);
  nodeUri = `test://${join(dir, 'test-node.xml')}`;
  const fakeBin = async (name: string, virsh: string | null): Promise<string> => {
    const bin = join(dir, name);
    await mkdir(bin, { mode: 0o755 });
    if (virsh !== null) await writeFile(join(bin, 'virsh'), virsh, { mode: 0o755 });
    return bin;
  };
  // A PATH with every command of /usr/bin (the poll script needs them) but virsh.
  const withoutVirsh = await fakeBin('no-virsh', null);
  for (const entry of await readdir('/usr/bin')) if (entry !== 'virsh') await symlink(join('/usr/bin', entry), join(withoutVirsh, entry));
  const hangingBin = await fakeBin('hanging', '#!/bin/sh\nexec sleep 30\n');
  const stateDir = join(dir, 'fake-virsh-state');
  await mkdir(stateDir);
  // The test user keeps the growing domain's counter here.
  await chmod(stateDir, 0o777);
  const lyingBin = await fakeBin('lying', fakeVirsh(stateDir));
  [real, noVirsh, hanging, lying] = await Promise.all([
    startTestSshd(),
    startTestSshd({ setEnv: { PATH: withoutVirsh } }),
    startTestSshd({ setEnv: { PATH: `${hangingBin}:/usr/bin:/bin` } }),
    startTestSshd({ setEnv: { PATH: `${lyingBin}:/usr/bin:/bin` } }),
  ]);
  bus = new MemoryBus();
  resultsSubscription = await bus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 100 }, async (result) => {
    results.push(result);
  });
  const log = createLogger({}, { level: 'debug', write: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>) });
  worker = await startWorker({ bus, log, connectTimeoutMs: 3000, execTimeoutMs: 10_000, primeDelayMs: 0 });
  testDb = await createTestDatabase('postgres');
  await ensureSamplePartitions(testDb.db, Date.now());
});

after(async () => {
  await worker?.stop();
  await resultsSubscription?.close();
  await bus?.close();
  await testDb?.close();
  await Promise.all([real, noVirsh, hanging, lying].map((sshd) => sshd?.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

function kvmHost(name: string, sshd: TestSshd, uri: string): HostTarget {
  return {
    name, connection: 'ssh', address: sshd.host, port: sshd.port, user: sshd.user, privateKeyFile: sshd.clientKeyFile,
    intervalSec: 10, groups: ['kvm'], libvirt: { uri },
  };
}

let seq = 0;
async function poll(target: HostTarget): Promise<PollSuccess> {
  const now = Date.now();
  const job: PollJob = { target, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
  await bus.publish('poll.jobs', job);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = results.find((result) => result.host === target.name && result.seq === job.seq);
    if (found) {
      // The libvirt part never fails the host's own poll.
      assert.equal(found.kind, 'sample', JSON.stringify(found));
      return found as PollSuccess;
    }
    if (Date.now() > deadline) throw new Error(`no result for ${target.name}#${job.seq}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function stored(names: string[]) {
  return testDb.db.selectFrom('hosts')
    .select(['name', 'parent', 'connection', 'status', 'status_reason', 'status_message', 'power_state', 'runs_on', 'os_name'])
    .where('name', 'in', names).orderBy('name').execute();
}

function failureLogged(host: string): Record<string, unknown> | undefined {
  return logLines.find((line) => line['msg'] === 'libvirt guests not listed' && line['host'] === host && line['level'] === 'warn');
}

/** No number anywhere in the result is NaN or infinite. */
function assertFinite(value: unknown, path: string): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((item, i) => assertFinite(item, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertFinite(item, `${path}.${key}`);
}

void test('the real virsh over sshd: one child per domain, named host/domain, with its power state, stored under the host', async () => {
  const target = kvmHost('kvm1', real, nodeUri);
  const first = await poll(target);
  const second = await poll(target);
  assert.deepEqual(second.sample.missing.includes('libvirt'), false);
  assert.ok(second.sample.cpuCount !== null, "the host's own sample is whole");
  assert.deepEqual((second.children ?? []).map((child) => [child.sample.host, child.kind, child.powerState, child.runsOn, child.down?.reason ?? null]), [
    ['kvm1/web 1', 'vm', 'running', 'kvm1', null],
    ['kvm1/db', 'vm', 'paused', 'kvm1', 'paused'],
    ['kvm1/spare', 'vm', 'shut off', 'kvm1', 'powered-off'],
  ]);
  for (const child of second.children ?? []) assert.equal(child.sample.ts, second.sample.ts);
  assertFinite(second, 'result');

  await syncInventoryHosts(testDb.db, [target]);
  await applyPollResults(testDb.db, [first, second], { downAfter: 3 });
  assert.deepEqual((await stored(['kvm1', 'kvm1/web 1', 'kvm1/db', 'kvm1/spare'])).map((row) => ({ ...row })), [
    { name: 'kvm1', parent: null, connection: 'ssh', status: 'up', status_reason: null, status_message: null, power_state: null, runs_on: null, os_name: second.sample.facts?.osName ?? first.sample.facts?.osName ?? null },
    { name: 'kvm1/db', parent: 'kvm1', connection: 'libvirt', status: 'down', status_reason: 'paused', status_message: 'libvirt reports domain db paused', power_state: 'paused', runs_on: 'kvm1', os_name: 'libvirt test virtual machine' },
    { name: 'kvm1/spare', parent: 'kvm1', connection: 'libvirt', status: 'down', status_reason: 'powered-off', status_message: 'libvirt reports domain spare shut off', power_state: 'shut off', runs_on: 'kvm1', os_name: 'libvirt test virtual machine' },
    { name: 'kvm1/web 1', parent: 'kvm1', connection: 'libvirt', status: 'up', status_reason: null, status_message: null, power_state: 'running', runs_on: 'kvm1', os_name: 'libvirt test virtual machine' },
  ]);
  const samples = await testDb.db.selectFrom('samples').select(['host']).where('host', 'like', 'kvm1%').execute();
  assert.equal(samples.length, 8, 'two samples each of the host and its three guests');
  // A stopped guest is down for its reason, not for failed polls: no failure is stored, so host_down stays quiet.
  assert.deepEqual(await testDb.db.selectFrom('poll_failures').select('host').execute(), []);
});

void test('virsh missing: the host\'s sample is stored, no guests listed, the reason logged once and in missing', async () => {
  const target = kvmHost('no-virsh', noVirsh, 'qemu:///system');
  const result = await poll(target);
  assert.equal(result.children, undefined, 'no listing: no guest is taken for deleted');
  assert.ok(result.sample.missing.includes('libvirt'));
  assert.ok(result.sample.cpuCount !== null, "the host's own sample is whole");
  assert.match(String(failureLogged('no-virsh')?.['message']), /virsh is not installed on no-virsh/);
  assert.equal(failureLogged('no-virsh')?.['reason'], 'no-virsh');
  await poll(target);
  assert.equal(logLines.filter((line) => line['msg'] === 'libvirt guests not listed' && line['host'] === 'no-virsh' && line['level'] === 'warn').length, 1, 'a lasting failure is logged at warn once');
  await syncInventoryHosts(testDb.db, [target]);
  await applyPollResults(testDb.db, [result], { downAfter: 3 });
  assert.deepEqual((await stored(['no-virsh'])).map((row) => [row.status, row.parent]), [['up', null]]);
});

void test('a URI virsh cannot connect to: virsh\'s own words as the reason, the host polled as usual', async () => {
  const result = await poll(kvmHost('bad-uri', real, `test://${join(dir, 'no-such-node.xml')}`));
  assert.equal(result.children, undefined);
  assert.ok(result.sample.missing.includes('libvirt'));
  const logged = failureLogged('bad-uri');
  assert.equal(logged?.['reason'], 'virsh-failed');
  assert.match(String(logged?.['message']), /^virsh -c test:\/\/\/.*no-such-node\.xml on bad-uri: failed to connect to the hypervisor/);
});

void test('a virsh that hangs: the libvirt part times out, the host\'s sample is still stored, and the next poll works', async () => {
  const target = kvmHost('hanging', hanging, 'qemu:///system');
  const started = Date.now();
  const result = await poll(target);
  // Not a timing: the result came before the fake virsh could have ended, so the libvirt part gave up on it.
  assert.ok(Date.now() - started < 30_000, 'the result did not wait for virsh');
  assert.equal(result.children, undefined);
  assert.ok(result.sample.missing.includes('libvirt'));
  assert.equal(failureLogged('hanging')?.['reason'], 'timeout');
  assert.match(String(failureLogged('hanging')?.['message']), /virsh on hanging did not answer within 5000 ms/);
  await syncInventoryHosts(testDb.db, [target]);
  await applyPollResults(testDb.db, [result], { downAfter: 3 });
  const samples = await testDb.db.selectFrom('samples').select(['host']).where('host', '=', 'hanging').execute();
  assert.equal(samples.length, 1);
  // The timed-out exec dropped the connection; the next poll connects again and the host's sample comes as before.
  const next = await poll(target);
  assert.ok(next.sample.cpuCount !== null);
});

void test('a virsh that lies: no throw, no NaN, no guest it did not list as running in a table', async () => {
  const garbage = await poll(kvmHost('garbage', lying, 'test:///garbage'));
  assert.equal(garbage.children, undefined);
  assert.ok(garbage.sample.missing.includes('libvirt'));
  assert.match(String(failureLogged('garbage')?.['message']), /virsh list printed no table of domains/);

  const target = kvmHost('liar', lying, 'test:///numbers');
  await poll(target);
  const result = await poll(target);
  assertFinite(result, 'result');
  // "ghost teleporting" is no state virsh has: not a domain. "liar"'s figures are lies: null, not NaN.
  assert.deepEqual((result.children ?? []).map((child) => child.sample.host), ['liar/liar']);
  const liar = result.children?.[0]?.sample;
  assert.deepEqual([liar?.cpuBusyPct, liar?.cpuCount, liar?.memTotalBytes, liar?.memUsedPct, liar?.netRxBytesPerSec], [null, null, null, null, null]);
  assert.equal(result.sample.missing.includes('libvirt'), false);
});

void test('vigil poll HOST lists the guests under the host', async () => {
  const inventory = join(dir, 'hosts');
  await writeFile(inventory, [
    '[kvm]',
    `kvm-cli ansible_host=127.0.0.1 ansible_port=${real.port} ansible_user=${real.user} ansible_ssh_private_key_file=${real.clientKeyFile} vigil_libvirt=yes vigil_libvirt_uri=${nodeUri}`,
    '',
  ].join('\n'));
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
    execFile(process.execPath, ['bin/vigil.mjs', 'poll', 'kvm-cli', '-i', inventory], {
      env: { ...process.env, VIGIL_DATA_DIR: dir, VIGIL_KNOWN_HOSTS: join(dir, 'known_hosts'), VIGIL_HOST_KEY_CHECKING: 'accept-new' },
      timeout: 60_000,
    }, (error, out, err) => resolve({ stdout: out, stderr: err, code: error ? (typeof error.code === 'number' ? error.code : 1) : 0 }));
  });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^guests \(3, as kvm-cli\/<name>\)$/m);
  assert.match(stdout, /^ {2}web 1 +running\b/m);
  assert.match(stdout, /^ {2}db +paused \(down: paused\)/m);
  assert.match(stdout, /^ {2}spare +shut off \(down: powered-off\)/m);
});

void test('rates across polls through the worker: the counters of the last listing are kept with the host', async () => {
  const target = kvmHost('growing', lying, 'test:///growing');
  const first = await poll(target);
  const second = await poll(target);
  assert.equal(first.children?.[0]?.sample.cpuBusyPct, null, 'no rate on the first listing');
  const app = second.children?.[0]?.sample;
  assert.equal(app?.host, 'growing/app');
  // Each listing adds 0.5 s of CPU time, 1000 bytes received and 4096 read: rates over the real time between listings.
  for (const [figure, value] of Object.entries({ cpu: app?.cpuBusyPct, rx: app?.netRxBytesPerSec, tx: app?.netTxBytesPerSec, read: app?.diskReadBytesPerSec })) {
    assert.ok(typeof value === 'number' && value > 0 && Number.isFinite(value), `${figure}: ${String(value)}`);
  }
  assert.ok((app?.cpuBusyPct ?? 0) <= 100);
  assert.equal(app?.diskWriteBytesPerSec, 0);
  assert.deepEqual([app?.cpuCount, app?.memTotalBytes], [2, 1024 * 1024 * 1024]);
});
