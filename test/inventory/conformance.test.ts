// Vigil's inventory reading against Ansible's own: every case under
// test/fixtures/inventory-conformance/ is read by `ansible-inventory` (the reference) and by
// Vigil, and the outputs must match: --list as parsed JSON and as text. Cases named
// invalid-* must be refused by both, Vigil naming the file. A few cases also compare --host
// and --graph. Each case directory holds one inventory source (a file or a directory) and
// optionally group_vars/, host_vars/ and a vault-password file.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { formatHostVars, formatInventoryGraph, formatInventoryList } from '../../lib/inventory/inventory-output.ts';
import { InventoryError } from '../../lib/inventory/inventory.ts';
import { readInventory } from '../../lib/inventory/read-inventory.ts';
import { readVaultPasswordFile } from '../../lib/inventory/vault.ts';
import { ansibleReferences, assertAnsibleInstalled } from './ansible-inventory-reference.ts';
import type { AnsibleResult } from './ansible-inventory-reference.ts';

const CASES_DIR = resolve(import.meta.dirname, '../fixtures/inventory-conformance');
const NOT_SOURCES = new Set(['group_vars', 'host_vars', 'vault-password']);

interface ConformanceCase {
  name: string;
  dir: string;
  source: string;
  passwordFile: string | null;
}

function loadCases(): ConformanceCase[] {
  return readdirSync(CASES_DIR)
    .sort()
    .map((name) => {
      const dir = join(CASES_DIR, name);
      const sources = readdirSync(dir).filter((entry) => !NOT_SOURCES.has(entry));
      if (sources.length !== 1) throw new Error(`case ${name} must hold exactly one inventory source, found: ${sources.join(', ')}`);
      const passwordFile = join(dir, 'vault-password');
      return { name, dir, source: join(dir, sources[0] as string), passwordFile: existsSync(passwordFile) ? passwordFile : null };
    });
}

const cases = loadCases();
const valid = cases.filter((c) => !c.name.startsWith('invalid-'));
const invalid = cases.filter((c) => c.name.startsWith('invalid-'));

// --host and --graph on a few cases; [case, ansible-inventory arguments after -i].
const QUERIES: [string, string[]][] = [
  ['ini-basic', ['--host', 'web2.example.com']],
  ['vars-precedence-full', ['--host', 'h1']],
  ['ini-inline-typing', ['--host', 'h2']],
  ['yaml-scalars-1-1', ['--host', 'h1']],
  ['yaml-unsafe', ['--host', 'h1']],
  ['ini-children-nested', ['--graph']],
  ['ini-diamond', ['--graph']],
  ['yaml-nested-children-vars', ['--graph', 'dc']],
  ['ini-group-vars-precedence', ['--graph', '--vars']],
  ['vars-priority-in-group-vars-file', ['--graph', '--vars']],
  ['ini-python-keywords-vars', ['--graph', '--vars']],
  ['yaml-deep-diamond-priority', ['--graph', '--vars']],
];

function ansibleArgs(c: ConformanceCase, action: string[]): string[] {
  return ['-i', c.source, ...action, ...(c.passwordFile ? ['--vault-password-file', c.passwordFile] : [])];
}

const UNSORTABLE_KEYS = new Set(['yaml-non-string-var-keys']);

const listReference = new Map<string, AnsibleResult>();
const queryReference = new Map<string, AnsibleResult>();

async function readCase(c: ConformanceCase): ReturnType<typeof readInventory> {
  const vaultPassword = c.passwordFile ? await readVaultPasswordFile(c.passwordFile) : undefined;
  return readInventory(c.source, { vaultPassword });
}

void describe('inventory conformance with ansible-inventory', () => {
  before(async () => {
    assertAnsibleInstalled();
    const queries = QUERIES.map(([name, action]) => {
      const c = cases.find((candidate) => candidate.name === name);
      if (!c) throw new Error(`no case ${name}`);
      return { key: `${name} ${action.join(' ')}`, job: { caseDir: c.dir, args: ansibleArgs(c, action) } };
    });
    const results = await ansibleReferences([...cases.map((c) => ({ caseDir: c.dir, args: ansibleArgs(c, ['--list']) })), ...queries.map((q) => q.job)]);
    cases.forEach((c, index) => listReference.set(c.name, results[index] as AnsibleResult));
    queries.forEach((q, index) => queryReference.set(q.key, results[cases.length + index] as AnsibleResult));
  });

  void it('has a broad corpus', () => {
    assert.ok(valid.length >= 60, `${valid.length} valid cases`);
    assert.ok(invalid.length >= 10, `${invalid.length} invalid cases`);
  });

  for (const c of valid) {
    void it(`--list: ${c.name}`, async () => {
      const reference = listReference.get(c.name) as AnsibleResult;
      assert.equal(reference.code, 0, `ansible-inventory refused a case meant to be valid:\n${reference.stderr}`);
      const text = formatInventoryList(await readCase(c));
      assert.deepEqual(JSON.parse(text), JSON.parse(reference.stdout));
      // Python cannot sort keys of mixed types (1 and "a"): ansible-inventory then prints them unsorted.
      if (!UNSORTABLE_KEYS.has(c.name)) assert.equal(`${text}\n`, reference.stdout);
    });
  }

  for (const c of invalid) {
    void it(`rejects: ${c.name}`, async () => {
      const reference = listReference.get(c.name) as AnsibleResult;
      assert.notEqual(reference.code, 0, `ansible-inventory accepted a case meant to be invalid:\n${reference.stdout}`);
      await assert.rejects(readCase(c), (err: unknown) => {
        assert.ok(err instanceof InventoryError, `expected an InventoryError, got ${String(err)}`);
        assert.ok(err.file.startsWith(c.dir), `the error names ${err.file}, not a file of the case`);
        return true;
      });
    });
  }

  for (const [name, action] of QUERIES) {
    void it(`${action.join(' ')}: ${name}`, async () => {
      const reference = queryReference.get(`${name} ${action.join(' ')}`) as AnsibleResult;
      assert.equal(reference.code, 0, reference.stderr);
      const inventory = await readCase(cases.find((candidate) => candidate.name === name) as ConformanceCase);
      let text: string;
      if (action[0] === '--host') text = formatHostVars(inventory, action[1] as string);
      else {
        const group = action.slice(1).find((arg) => !arg.startsWith('--'));
        text = formatInventoryGraph(inventory, group ?? 'all', action.includes('--vars'));
      }
      if (action[0] === '--host') assert.deepEqual(JSON.parse(text), JSON.parse(reference.stdout));
      assert.equal(`${text}\n`, reference.stdout);
    });
  }
});
