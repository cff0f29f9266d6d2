// Parse speed of the inventory reader on a 10,000-host inventory (host ranges, 56 groups with
// children, group_vars for every group, some host_vars): Vigil's full read and merge (median
// of several runs), against a bare baseline measured in the same run (reading the same files
// and splitting their lines) and against `ansible-inventory --list` on the same inventory.
// Run: node --import tsx bench/inventory-parse.ts
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatInventoryList } from '../lib/inventory/inventory-output.ts';
import { readInventory } from '../lib/inventory/read-inventory.ts';

const RUNS = 7;
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-inventory-'));

function write(path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

function generate(): string {
  const lines: string[] = [];
  const dcs = ['dc1', 'dc2', 'dc3', 'dc4'];
  const roles = Array.from({ length: 10 }, (_, i) => `role${i + 1}`);
  for (const dc of dcs) {
    for (const role of roles) {
      lines.push(`[${dc}_${role}]`);
      lines.push(`${dc}-${role}-[0001:0200] vigil_interval=30`);
      lines.push(`${dc}-${role}-[0201:0250]:2222 ansible_user=ops tier="'edge'"`);
      lines.push(`[${dc}_${role}:vars]`, `leaf_var=${dc}_${role}`, 'weight=3', '');
    }
    lines.push(`[${dc}:children]`, ...roles.map((role) => `${dc}_${role}`), `[${dc}:vars]`, `datacenter=${dc}`, '');
  }
  for (const role of roles) lines.push(`[${role}:children]`, ...dcs.map((dc) => `${dc}_${role}`), `[${role}:vars]`, `role=${role}`, `ansible_group_priority=${role.length}`, '');
  lines.push('[emea:children]', 'dc1', 'dc2', '[amer:children]', 'dc3', 'dc4', '[all:vars]', 'ansible_python_interpreter=/usr/bin/python3', '');
  write('hosts', lines.join('\n'));

  const groups = [...dcs, ...roles, 'emea', 'amer', ...dcs.flatMap((dc) => roles.map((role) => `${dc}_${role}`))];
  write('group_vars/all.yml', 'ntp_servers: [ntp1, ntp2]\nmonitoring: {enabled: yes, port: 9100}\n');
  for (const group of groups) write(`group_vars/${group}.yml`, `${group}_setting: 0755\nlist: [1, 2, 3]\nnested:\n  key: ${group}\n  flag: on\n`);
  for (let i = 1; i <= 100; i++) write(`host_vars/dc1-role1-${String(i).padStart(4, '0')}.yml`, `host_specific: ${i}\n`);
  return join(dir, 'hosts');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function time(run: () => unknown, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

function allFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((entry) => allFiles(join(path, entry)));
}

const source = generate();
try {
  let hosts = 0;
  // Warm up the JIT once, as a long-running scheduler would be.
  hosts = (await readInventory(source)).hosts.length;
  const baseline = await time(() => {
    for (const file of allFiles(dir)) readFileSync(file, 'utf8').split('\n');
  }, RUNS);
  const vigil = await time(async () => {
    hosts = (await readInventory(source)).hosts.length;
  }, RUNS);
  const vigilList = await time(async () => {
    formatInventoryList(await readInventory(source));
  }, 3);

  let ansible: number | null = null;
  const ansibleInventory = '/usr/bin/ansible-inventory';
  if (existsSync(ansibleInventory)) {
    const home = join(dir, 'ansible-home');
    mkdirSync(home);
    writeFileSync(join(home, 'ansible.cfg'), '');
    const env = { PATH: '/usr/bin:/bin', HOME: home, ANSIBLE_HOME: join(home, '.ansible'), ANSIBLE_CONFIG: join(home, 'ansible.cfg'), ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True' };
    ansible = await time(() => {
      execFileSync(ansibleInventory, ['-i', source, '--list'], { env, cwd: home, maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'ignore', 'inherit'] });
    }, 1);
  }

  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  process.stdout.write(
    [
      `inventory: ${hosts} hosts, 56 groups, ${readdirSync(join(dir, 'group_vars')).length} group_vars files, 100 host_vars files`,
      `baseline (read every file, split lines): ${ms(baseline)} (median of ${RUNS})`,
      `vigil read + merge:                      ${ms(vigil)} (median of ${RUNS}) = ${(vigil / baseline).toFixed(1)}x baseline`,
      `vigil read + merge + --list JSON:        ${ms(vigilList)} (median of 3)`,
      ansible === null
        ? 'ansible-inventory --list:                not installed (apt-get install ansible-core)'
        : `ansible-inventory --list:                ${ms(ansible)} (1 run) = ${(ansible / vigilList).toFixed(1)}x vigil's --list`,
    ].join('\n') + '\n',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
