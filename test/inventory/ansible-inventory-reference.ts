// Runs Ansible's own `ansible-inventory` (Debian's ansible-core) as the reference for Vigil's
// inventory reading, in a clean environment: a temporary HOME and ANSIBLE_HOME, an empty
// ansible.cfg, unparsed sources failing. Results are cached under .tmp/ keyed by a hash of
// the case's files and the arguments, so that re-runs are fast; the reference itself always
// comes from running Ansible, never from a hand-written expectation.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const ANSIBLE_INVENTORY = '/usr/bin/ansible-inventory';
const CACHE_DIR = resolve(import.meta.dirname, '../../.tmp/inventory-conformance-cache');

export interface AnsibleResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Fails (never skips) when Ansible is missing: the reference must be Ansible itself. */
export function assertAnsibleInstalled(): void {
  if (!existsSync(ANSIBLE_INVENTORY)) {
    throw new Error(`${ANSIBLE_INVENTORY} not found: install Debian's ansible-core (apt-get install -y ansible-core), the reference these tests compare against`);
  }
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

function cacheKey(caseDir: string, args: string[]): string {
  const hash = createHash('sha256');
  hash.update(`ansible-core-2.14\0${args.map((arg) => arg.replaceAll(caseDir, '<case>')).join('\0')}\0`);
  for (const file of filesUnder(caseDir)) {
    hash.update(relative(caseDir, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

let sandbox: string | null = null;

function cleanEnvironment(): NodeJS.ProcessEnv {
  if (sandbox === null) {
    sandbox = mkdtempSync(join(tmpdir(), 'vigil-ansible-'));
    writeFileSync(join(sandbox, 'ansible.cfg'), '');
    process.on('exit', () => rmSync(sandbox as string, { recursive: true, force: true }));
  }
  return {
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: sandbox,
    ANSIBLE_HOME: join(sandbox, '.ansible'),
    ANSIBLE_CONFIG: join(sandbox, 'ansible.cfg'),
    ANSIBLE_LOCAL_TEMP: join(sandbox, 'tmp'),
    ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True',
    // Vigil refuses an inventory when any part of it is unreadable; so does Ansible with this.
    ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'True',
    ANSIBLE_LOCALHOST_WARNING: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
  };
}

// ansible-inventory spends most of its ~0.7 s of CPU importing Python modules. This driver
// imports Ansible's CLI once, then runs each job in a forked child: every run is a fresh
// process executing ansible-inventory's own entry point, with its arguments, output and exit code.
const DRIVER = String.raw`
import json, os, sys
jobs = json.load(sys.stdin)
from ansible.cli.inventory import InventoryCLI
limit = int(os.environ.get('VIGIL_REFERENCE_PARALLEL', '2'))
running = {}
codes = [None] * len(jobs)
def reap():
    pid, status = os.wait()
    codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)
for index, job in enumerate(jobs):
    while len(running) >= limit:
        reap()
    pid = os.fork()
    if pid == 0:
        out = os.open(job['stdout'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(job['stderr'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        os.dup2(err, 2)
        sys.argv = ['ansible-inventory'] + job['args']
        code = 0
        try:
            code = InventoryCLI.cli_executor(sys.argv)
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        except BaseException:
            code = 250
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code or 0)
    running[pid] = index
while running:
    reap()
print(json.dumps(codes))
`;

function runAnsibleBatch(argsList: string[][]): Promise<AnsibleResult[]> {
  const env = cleanEnvironment();
  const dir = mkdtempSync(join(env['HOME'] as string, 'batch-'));
  const jobs = argsList.map((args, index) => ({ args, stdout: join(dir, `${index}.out`), stderr: join(dir, `${index}.err`) }));
  return new Promise((resolvePromise, reject) => {
    const child = execFile('/usr/bin/python3', ['-c', DRIVER], { env: { ...env, VIGIL_REFERENCE_PARALLEL: '2' }, cwd: env['HOME'], maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`running ansible-inventory failed: ${stderr || error.message}`));
        return;
      }
      const codes = JSON.parse(stdout) as number[];
      const results = jobs.map((job, index) => ({ code: codes[index] ?? 1, stdout: readFileSync(job.stdout, 'utf8'), stderr: readFileSync(job.stderr, 'utf8') }));
      rmSync(dir, { recursive: true, force: true });
      resolvePromise(results);
    });
    child.stdin?.end(JSON.stringify(jobs));
  });
}

export interface ReferenceJob {
  caseDir: string;
  args: string[];
}

/** ansible-inventory's results for the jobs: cached ones from .tmp/, the others by running Ansible. */
export async function ansibleReferences(jobs: ReferenceJob[]): Promise<AnsibleResult[]> {
  const files = jobs.map((job) => join(CACHE_DIR, `${cacheKey(job.caseDir, job.args)}.json`));
  const missing = jobs.map((job, index) => ({ job, index })).filter(({ index }) => !existsSync(files[index] as string));
  if (missing.length > 0) {
    const results = await runAnsibleBatch(missing.map(({ job }) => job.args));
    mkdirSync(CACHE_DIR, { recursive: true });
    missing.forEach(({ index }, i) => writeFileSync(files[index] as string, JSON.stringify(results[i])));
  }
  return files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as AnsibleResult);
}
