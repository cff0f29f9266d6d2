// `vigil up` as a user runs it: the real CLI in a child process, on PGlite and the in-process
// bus, polling a real sshd on loopback and the local machine, answered through the HTTP API
// after logging in as the admin that the first start created and printed.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PROJECT_ROOT } from '../../lib/paths.ts';
import { startTestSshd, type TestSshd } from '../support/sshd.ts';
import { waitFor } from '../support/wait-for.ts';

let sshd: TestSshd;
let dir: string;
let vigil: ChildProcess;
let url: string;
let stderr = '';
const started = Date.now();
/** The session of the first admin, logged in with the password `vigil up` printed. */
let session: { cookie: string; csrfToken: string };

before(async () => {
  sshd = await startTestSshd();
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-up-'));
  const inventory = path.join(dir, 'hosts');
  await writeFile(
    inventory,
    [
      'localhost ansible_connection=local vigil_interval=1',
      '',
      '[lab]',
      `sshhost ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=${sshd.user} ansible_ssh_private_key_file=${sshd.clientKeyFile} vigil_interval=1`,
      '',
    ].join('\n'),
  );
  vigil = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/vigil.mjs'), 'up'], {
    cwd: dir,
    env: { ...process.env, VIGIL_INVENTORY: inventory, VIGIL_DATA_DIR: path.join(dir, 'data'), VIGIL_HTTP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  vigil.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let stdout = '';
  vigil.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  url = await waitFor('vigil up to print the dashboard URL', 60_000, () => {
    if (vigil.exitCode !== null) throw new Error(`vigil up exited with ${vigil.exitCode}:\n${stderr}`);
    return /Dashboard: (http:\/\/\S+)/.exec(stdout)?.[1];
  });
  const printed = /Vigil created the first user: (\S+) \/ (\S+)\n/.exec(stderr);
  assert.ok(printed, `the first start prints the admin's password on stderr:\n${stderr.slice(-2000)}`);
  const login = await fetch(url + '/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: printed[1], password: printed[2] }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  session = { cookie, csrfToken: ((await login.json()) as { csrfToken: string }).csrfToken };
});

after(async () => {
  if (vigil && vigil.exitCode === null) vigil.kill('SIGKILL');
  await sshd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface HostsAnswer {
  hosts: Array<{ name: string; status: string; latest: { cpuBusyPct: number | null; memUsedPct: number | null; memTotalBytes: number | null } | null }>;
}

async function getJson<T>(route: string): Promise<T> {
  const response = await fetch(url + route, { headers: { cookie: session.cookie } });
  assert.equal(response.status, 200, `${route} answered ${response.status}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

test('vigil up polls an SSH host and the local machine and serves their samples', async () => {
  const memTotal = Number(/MemTotal:\s+(\d+) kB/.exec(await readFile('/proc/meminfo', 'utf8'))?.[1]) * 1024;
  const answer = await waitFor('both hosts to have a sample with CPU busy %', 60_000, async () => {
    const hosts = await getJson<HostsAnswer>('/api/v1/hosts');
    const ready = hosts.hosts.filter((h) => h.latest?.cpuBusyPct !== null && h.latest?.cpuBusyPct !== undefined);
    return ready.length === 2 ? hosts : undefined;
  });
  // Reported, not asserted: the machine is shared and noisy.
  console.log(`# vigil up: first samples with rates for both hosts ${Date.now() - started} ms after spawn`);
  for (const host of answer.hosts) {
    assert.equal(host.status, 'up', `${host.name} is up`);
    const latest = host.latest!;
    assert.ok(latest.cpuBusyPct! >= 0 && latest.cpuBusyPct! <= 100, `${host.name} CPU ${latest.cpuBusyPct}`);
    assert.equal(latest.memTotalBytes, memTotal, `${host.name} sees this machine's MemTotal`);
    assert.ok(latest.memUsedPct! > 0 && latest.memUsedPct! < 100);
  }
  assert.deepEqual(answer.hosts.map((h) => h.name).sort(), ['localhost', 'sshhost']);

  const series = await getJson<{ ts: number[]; cpuBusyPct: Array<number | null> }>('/api/v1/hosts/sshhost/samples');
  assert.ok(series.ts.length >= 2, `at least two samples, got ${series.ts.length}`);
  assert.equal(series.ts.length, series.cpuBusyPct.length);
  assert.ok(series.ts.every((t, i) => i === 0 || t > series.ts[i - 1]!), 'timestamps ascend');
  assert.ok(Math.abs(series.ts.at(-1)! - Date.now() / 1000) < 120, 'timestamps are Unix seconds of now');

  const page = await fetch(url + '/');
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script[^>]+src=/);
  assert.equal((await fetch(url + '/healthz')).status, 200);
});

test('the first start created one admin, printed once, and logs never carry the password; vigil up listens on loopback', async () => {
  const printed = stderr.match(/Vigil created the first user: admin \/ (\S+)\n/g) ?? [];
  assert.equal(printed.length, 1);
  const password = /admin \/ (\S+)\n/.exec(printed[0] ?? '')?.[1] ?? '';
  const logLines = stderr.split('\n').filter((line) => line.startsWith('{'));
  assert.ok(logLines.length > 0);
  assert.ok(logLines.every((line) => !line.includes(password)), 'no log line holds the password');
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

test('the API needs the login: 401 without the cookie; a write needs the CSRF token', async () => {
  const anonymous = await fetch(url + '/api/v1/hosts');
  assert.equal(anonymous.status, 401);
  assert.match(((await anonymous.json()) as { message: string }).message, /log in first/);
  assert.equal((await fetch(url + '/metrics')).status, 401);
  const me = await getJson<{ user: { name: string; role: string } }>('/api/v1/session');
  assert.deepEqual(me.user, { name: 'admin', role: 'admin' });
  const silence = (headers: Record<string, string>) =>
    fetch(url + '/api/v1/silences', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session.cookie, ...headers },
      body: JSON.stringify({ host: 'sshhost', duration: '10m', comment: 'e2e' }),
    });
  assert.equal((await silence({})).status, 403);
  const created = await silence({ 'x-csrf-token': session.csrfToken });
  assert.equal(created.status, 201, await created.clone().text());
  assert.equal(((await created.json()) as { silence: { createdBy: string } }).silence.createdBy, 'admin');
});

test('vigil up stops cleanly on SIGTERM', async () => {
  const exited = new Promise<number | null>((resolve) => vigil.once('exit', (code) => resolve(code)));
  vigil.kill('SIGTERM');
  const code = await waitFor('vigil up to exit', 30_000, async () => {
    const result = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 200))]);
    return result === 'running' ? undefined : { code: result };
  });
  assert.equal(code.code, 0, `exit code 0, stderr:\n${stderr.slice(-2000)}`);
});
