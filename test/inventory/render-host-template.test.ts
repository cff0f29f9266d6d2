// Jinja2 in the variables Vigil reads, against Ansible's own rendering: `ansible -m debug -a
// var=NAME` (run on the controller, no connection) prints each host's variable as Ansible
// templates it, and Vigil's rendering must agree; then what Vigil refuses, naming host and variable.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readInventory } from '../../lib/inventory/read-inventory.ts';
import { renderConnectionVariables } from '../../lib/inventory/render-host-template.ts';
import { HostTargetError, toHostTarget } from '../../lib/inventory/to-host-target.ts';
import { assertAnsibleInstalled } from './ansible-inventory-reference.ts';

const root = mkdtempSync(join(tmpdir(), 'vigil-render-template-'));
after(() => rmSync(root, { recursive: true, force: true }));
// An empty configuration: Ansible's defaults, whatever ansible.cfg the machine has.
writeFileSync(join(root, 'ansible.cfg'), '');

const ENV = { VIGIL_TEST_DEPLOY_USER: 'deploy', VIGIL_TEST_EMPTY: '' };

const INVENTORY = `
all:
  vars:
    domain: corp.example
    base_port: 2200
    bastion: jump.corp.example
    bastion_user: ops
    common_procs: [nginx, php-fpm]
    net: { mgmt_ip: 10.1.2.3 }
    fqdn: "{{ inventory_hostname }}.{{ domain }}"
  children:
    web:
      hosts:
        web1.corp:
          ansible_host: "{{ inventory_hostname_short }}.{{ domain }}"
          ansible_port: "{{ base_port }}"
          ansible_user: "{{ lookup('env', 'VIGIL_TEST_DEPLOY_USER') | default('nobody', true) | upper }}"
          vigil_processes: "{{ common_procs }}"
          ansible_ssh_common_args: "-o ProxyJump={{ bastion_user }}@{{ bastion }}"
          vigil_checks: [{ http: "https://{{ inventory_hostname }}/health", name: "{{ group_names | join(',') }} health" }]
          vigil_status_name: "{# a comment #}Shop {{ missing | default('front') | trim }}"
        db1:
          ansible_host: "{{ net.mgmt_ip }}"
          ansible_user: "{{ lookup('env', 'VIGIL_TEST_EMPTY') | default('postgres', true) }}"
          vigil_status_name: !unsafe "{{ not rendered }}"
          ansible_port: "{{ net['mgmt_ip'] | replace('.', '') | int }}"
          vigil_interval: "{{ '30' | int }}"
        db2:
          ansible_host: "{{ fqdn }}"
          vigil_status_name: "{{ 'DB-2' | lower }}"
`;
const CHECKED = ['ansible_host', 'ansible_port', 'ansible_user', 'vigil_processes', 'ansible_ssh_common_args', 'vigil_checks', 'vigil_status_name', 'vigil_interval'];

function ansibleVar(inventory: string, name: string): Promise<Map<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/ansible', ['all', '-i', inventory, '-o', '-m', 'debug', '-a', `var=${name}`], {
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: root, ANSIBLE_CONFIG: join(root, 'ansible.cfg'), ...ENV }, timeout: 60_000,
    }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`ansible failed: ${stderr}${stdout}`));
      const values = new Map<string, unknown>();
      for (const line of stdout.trim().split('\n')) {
        const match = /^(\S+) \| SUCCESS => (\{.*\})$/.exec(line);
        if (!match) return reject(new Error(`unexpected ansible output: ${line}`));
        const value = (JSON.parse(match[2] as string) as Record<string, unknown>)[name];
        if (value !== 'VARIABLE IS NOT DEFINED!') values.set(match[1] as string, value);
      }
      resolve(values);
    });
  });
}

/** Ansible's and Vigil's values compared as Vigil reads them: numbers and numeric text alike. */
function normal(value: unknown): unknown {
  return typeof value === 'number' ? String(value) : value;
}

void describe('Jinja2 in the variables Vigil reads', () => {
  void it('renders them as Ansible does: references, nested variables, filters, lookup(\'env\'), comments, !unsafe left alone', async () => {
    assertAnsibleInstalled();
    const path = join(root, 'hosts.yml');
    writeFileSync(path, INVENTORY);
    const inventory = await readInventory(path);
    const invalid = (variable: string, message: string): never => assert.fail(`${variable}: ${message}`);
    for (const name of CHECKED) {
      const reference = await ansibleVar(path, name);
      for (const host of inventory.hosts) {
        const rendered = renderConnectionVariables(host, ENV, invalid);
        assert.deepEqual(normal(rendered[name]), normal(reference.get(host.name)), `${host.name} ${name}`);
      }
    }
    // And what the poll target gets from it.
    const web = inventory.hosts.find((host) => host.name === 'web1.corp');
    const target = toHostTarget(web!, { inventoryDir: root, defaultUser: 'me', env: ENV });
    assert.deepEqual([target?.address, target?.port, target?.user, target?.processPatterns], ['web1.corp.example', 2200, 'DEPLOY', ['nginx', 'php-fpm']]);
    assert.deepEqual(target?.jumpHosts?.map((hop) => [hop.user, hop.address]), [['ops', 'jump.corp.example']]);
  });

  void it('refuses what it cannot render, naming host and variable, and leaves other variables\' templates alone', () => {
    const target = (vars: Record<string, unknown>) => toHostTarget({ name: 'h1', groups: [], vars }, { inventoryDir: root, defaultUser: 'me', env: {} });
    const refused = (vars: Record<string, unknown>, variable: string, message: RegExp): void => {
      assert.throws(() => target(vars), (err: unknown) => {
        assert.ok(err instanceof HostTargetError);
        assert.equal(err.host, 'h1');
        assert.equal(err.variable, variable);
        assert.match(err.message, message);
        return true;
      });
    };
    refused({ ansible_host: '{{ nowhere }}.example' }, 'ansible_host', /cannot be rendered: 'nowhere' is undefined/);
    refused({ ansible_host: "{{ inventory_hostname | regex_replace('h', 'x') }}" }, 'ansible_host', /the filter 'regex_replace' is not supported/);
    refused({ ansible_user: '{% if true %}a{% endif %}' }, 'ansible_user', /Jinja2 statements/);
    refused({ ansible_host: '{{ a }}', a: '{{ b }}', b: '{{ a }}' }, 'ansible_host', /recursive loop detected/);
    refused({ ansible_host: "{{ lookup('file', '/etc/hostname') }}" }, 'ansible_host', /only lookup\('env', NAME\) is supported/);
    // A template Vigil does not read is not its business.
    assert.equal(target({ ansible_host: 'h1.example', app_setting: "{{ lookup('file', 'x') | b64encode }}" })?.address, 'h1.example');
  });
});
