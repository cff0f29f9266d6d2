import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InventoryError } from '../../lib/inventory/inventory.ts';
import type { Inventory, InventoryHost } from '../../lib/inventory/inventory.ts';
import { HostTargetError, loadHostTargets, toHostTarget } from '../../lib/inventory/to-host-target.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'inventories');
const OPTIONS = { inventoryDir: '/etc/vigil', defaultUser: 'monitor' };

function inventoryHost(vars: Record<string, unknown>, groups: string[] = []): InventoryHost {
  return { name: 'web1', groups, vars };
}

function targetError(vars: Record<string, unknown>): HostTargetError {
  try {
    toHostTarget(inventoryHost(vars), OPTIONS);
  } catch (err) {
    assert.ok(err instanceof HostTargetError, `expected a HostTargetError, got ${String(err)}`);
    assert.ok(err instanceof InventoryError);
    return err;
  }
  return assert.fail(`${JSON.stringify(vars)} should be rejected`);
}

void describe('toHostTarget', () => {
  void it('fills in Ansible defaults', () => {
    assert.deepEqual(toHostTarget(inventoryHost({}, ['web']), OPTIONS), {
      name: 'web1',
      connection: 'ssh',
      address: 'web1',
      port: 22,
      user: 'monitor',
      privateKeyFile: null,
      intervalSec: 10,
      groups: ['web'],
    });
  });

  void it('reads address, user, port and interval from strings or numbers', () => {
    const target = toHostTarget(
      inventoryHost({ ansible_host: '10.0.0.5', ansible_user: 'ops', ansible_port: '2222', vigil_interval: 30 }),
      OPTIONS,
    );
    assert.equal(target?.address, '10.0.0.5');
    assert.equal(target?.user, 'ops');
    assert.equal(target?.port, 2222);
    assert.equal(target?.intervalSec, 30);
    assert.equal(toHostTarget(inventoryHost({ ansible_port: 2200, vigil_interval: '5' }), OPTIONS)?.intervalSec, 5);
  });

  void it('resolves a relative key path against the inventory directory and expands ~', () => {
    const relative = toHostTarget(inventoryHost({ ansible_ssh_private_key_file: 'keys/id_ed25519' }), OPTIONS);
    assert.equal(relative?.privateKeyFile, '/etc/vigil/keys/id_ed25519');
    const home = toHostTarget(inventoryHost({ ansible_private_key_file: '~/.ssh/id_rsa' }), OPTIONS);
    assert.equal(home?.privateKeyFile, join(homedir(), '.ssh/id_rsa'));
    const absolute = toHostTarget(
      inventoryHost({ ansible_private_key_file: '/k/other', ansible_ssh_private_key_file: '/k/wins' }),
      OPTIONS,
    );
    assert.equal(absolute?.privateKeyFile, '/k/wins');
  });

  void it('maps connection plugins: local stays local, paramiko and smart are ssh', () => {
    assert.equal(toHostTarget(inventoryHost({ ansible_connection: 'local' }), OPTIONS)?.connection, 'local');
    assert.equal(toHostTarget(inventoryHost({ ansible_connection: 'paramiko' }), OPTIONS)?.connection, 'ssh');
    assert.equal(toHostTarget(inventoryHost({ ansible_connection: 'smart' }), OPTIONS)?.connection, 'ssh');
    const err = targetError({ ansible_connection: 'winrm' });
    assert.equal(err.host, 'web1');
    assert.equal(err.variable, 'ansible_connection');
    assert.match(err.message, /host 'web1': ansible_connection 'winrm' is not supported \(use ssh or local; to leave such hosts unpolled, set vigil_enabled: false on them/);
  });

  void it('skips hosts with vigil_enabled false or no', () => {
    for (const value of [false, 'false', 'no', 'False', 'NO']) {
      assert.equal(toHostTarget(inventoryHost({ vigil_enabled: value }), OPTIONS), null, String(value));
    }
    assert.notEqual(toHostTarget(inventoryHost({ vigil_enabled: 'yes' }), OPTIONS), null);
    assert.equal(targetError({ vigil_enabled: 'maybe' }).variable, 'vigil_enabled');
  });

  void it('rejects bad ports, naming the host and the variable', () => {
    for (const port of ['0', 70000, 'ssh', '22.5', '']) {
      const err = targetError({ ansible_port: port });
      assert.equal(err.variable, 'ansible_port', String(port));
      assert.match(err.message, /host 'web1': ansible_port/);
    }
  });

  void it('rejects intervals under a second or not whole', () => {
    for (const interval of ['0', 0.5, '2.5', 'often']) {
      assert.equal(targetError({ vigil_interval: interval }).variable, 'vigil_interval', String(interval));
    }
  });

  void it('reads vigil_processes_every as seconds or a duration, and leaves it out when unset', () => {
    const every = (value: unknown): number | undefined => toHostTarget(inventoryHost({ vigil_processes_every: value }), OPTIONS)?.processesEverySec;
    assert.equal(every(60), 60);
    assert.equal(every('300'), 300);
    assert.equal(every('5m'), 300);
    assert.equal(every(' 90s '), 90);
    assert.equal(every('1h30m'), 5400);
    assert.ok(!('processesEverySec' in (toHostTarget(inventoryHost({}), OPTIONS) ?? {})), 'unset: absent, so older targets compare equal');
  });

  void it('rejects a vigil_processes_every that is not a duration of a second or more, naming host and value', () => {
    for (const value of ['soon', '5 minutes', '0', 0, -60, '500ms', '5x', true, [60]]) {
      const err = targetError({ vigil_processes_every: value });
      assert.equal(err.variable, 'vigil_processes_every', String(value));
      assert.match(err.message, /host 'web1': vigil_processes_every must be a duration like 60 \(seconds\), 90s, 5m or 1h/);
      assert.ok(err.message.includes(JSON.stringify(value)), `${err.message} names the value`);
    }
  });

  void it('reads vigil_checks into check specs, from a YAML list or INI text, and leaves it out when unset', () => {
    const fromYaml = toHostTarget(inventoryHost({ vigil_checks: [{ http: 'https://shop.example/health', keyword: 'ok', timeout: 5 }, { tcp: 'db.example:5432' }, { systemd: 'nginx' }] }), OPTIONS);
    assert.deepEqual(fromYaml?.checks?.map((spec) => spec.id), ['http:https://shop.example/health', 'tcp:db.example:5432', 'systemd:nginx.service']);
    const http = fromYaml?.checks?.[0];
    assert.ok(http?.kind === 'http');
    assert.equal(http.timeoutMs, 5000);
    assert.equal(http.keyword, 'ok');
    // INI keeps the value as text: read as YAML flow.
    const fromIni = toHostTarget(inventoryHost({ vigil_checks: "[{'tcp': 'db.example:5432', 'timeout': 3}]" }), OPTIONS);
    assert.deepEqual(fromIni?.checks, [{ kind: 'tcp', id: 'tcp:db.example:5432', host: 'db.example', port: 5432, timeoutMs: 3000 }]);
    assert.ok(!('checks' in (toHostTarget(inventoryHost({}), OPTIONS) ?? {})), 'unset: absent, so older targets compare equal');
  });

  void it('rejects a bad vigil_checks naming host, variable and every entry at fault', () => {
    const err = targetError({ vigil_checks: [{ tcp: 'db.example:5432' }, { http: 'ftp://x' }, { systemd: 'nginx' }, { tcp: 'db:5432', timeout: 'never' }] });
    assert.equal(err.variable, 'vigil_checks');
    assert.equal(err.host, 'web1');
    assert.match(err.message, /host 'web1': vigil_checks \[1\]: http must be an http:\/\/ or https:\/\/ URL/);
    assert.match(err.message, /; \[3\]: timeout/);
    assert.ok(!err.message.includes('[0]') && !err.message.includes('[2]'), err.message);
    const notAList = targetError({ vigil_checks: 'just text' });
    assert.match(notAList.message, /host 'web1': vigil_checks must be a list of checks/);
  });

  void it('reads the old ansible_ssh_host, ansible_ssh_port and ansible_ssh_user, which win over the new names as in Ansible\'s ssh plugin', () => {
    const legacy = toHostTarget(inventoryHost({ ansible_ssh_host: '10.0.0.4', ansible_ssh_port: '2201', ansible_ssh_user: 'ops' }), OPTIONS);
    assert.deepEqual([legacy?.address, legacy?.port, legacy?.user], ['10.0.0.4', 2201, 'ops']);
    // Both names set: Ansible's get_option('host') gives ansible_ssh_host's value, and so on.
    const both = toHostTarget(inventoryHost({ ansible_host: 'a', ansible_ssh_host: 'b', ansible_port: 1, ansible_ssh_port: 2, ansible_user: 'u0', ansible_ssh_user: 'u1' }), OPTIONS);
    assert.deepEqual([both?.address, both?.port, both?.user], ['b', 2, 'u1']);
    assert.match(targetError({ ansible_ssh_port: 'ssh' }).message, /ansible_ssh_port must be a number/);
    // ansible.cfg's remote_user is only the default: ansible_ssh_user beats it.
    const configured = toHostTarget(inventoryHost({ ansible_ssh_user: 'ops' }), { ...OPTIONS, ansible: { file: null, remoteUser: 'deploy' } });
    assert.equal(configured?.user, 'ops');
  });

  void it('takes user, port, key and ProxyJump from ansible.cfg where the host\'s variables say nothing', () => {
    const ansible = { file: '/repo/ansible.cfg', remoteUser: 'deploy', remotePort: 2200, privateKeyFile: '/repo/keys/deploy', sshCommonArgs: '-o ProxyJump=ops@bastion:2222' };
    const defaulted = toHostTarget(inventoryHost({}), { ...OPTIONS, ansible });
    assert.deepEqual([defaulted?.user, defaulted?.port, defaulted?.privateKeyFile], ['deploy', 2200, '/repo/keys/deploy']);
    assert.deepEqual(defaulted?.jumpHosts?.map((hop) => [hop.user, hop.address, hop.port]), [['ops', 'bastion', 2222]]);
    // As in Ansible, a host's own variables beat its configuration.
    const own = toHostTarget(inventoryHost({ ansible_user: 'root', ansible_port: 22, ansible_private_key_file: 'k', ansible_ssh_common_args: '' }), { ...OPTIONS, ansible });
    assert.deepEqual([own?.user, own?.port, own?.privateKeyFile, own?.jumpHosts ?? []], ['root', 22, '/etc/vigil/k', []]);
  });

  void it('names the source file in errors when given', () => {
    try {
      toHostTarget(inventoryHost({ ansible_port: 'x' }), { ...OPTIONS, source: '/etc/vigil/hosts' });
      assert.fail('should throw');
    } catch (err) {
      assert.ok(err instanceof HostTargetError);
      assert.equal(err.file, '/etc/vigil/hosts');
    }
  });
});

void describe('loadHostTargets', () => {
  void it('reads an INI inventory and converts its enabled hosts', async () => {
    const targets = await loadHostTargets(join(FIXTURES, 'targets.ini'));
    assert.deepEqual(
      targets.map((t) => [t.name, t.connection, t.address, t.port, t.intervalSec, t.groups]),
      [
        ['local1', 'local', 'local1', 22, 10, ['ungrouped']],
        ['remote1', 'ssh', '127.0.0.1', 2222, 60, ['slow']],
      ],
    );
    const remote = targets[1];
    assert.equal(remote?.user, 'vigil');
    assert.equal(remote?.privateKeyFile, join(FIXTURES, 'keys', 'id_ed25519'));
  });

  void it('rejects two hosts of the same name from a reader', async () => {
    const read = async (path: string): Promise<Inventory> => ({
      source: path,
      sources: [path],
      dynamicSources: [],
      groups: [],
      hosts: [
        { name: 'a', groups: [], vars: {} },
        { name: 'a', groups: [], vars: {} },
      ],
    });
    await assert.rejects(loadHostTargets(join(FIXTURES, 'targets.ini'), { read }), (err: unknown) => {
      assert.ok(err instanceof InventoryError);
      assert.match(err.message, /host 'a' appears twice/);
      return true;
    });
  });

  void it('reads vigil_parents from an INI inventory, group vars and host vars alike', async () => {
    const targets = await loadHostTargets(join(FIXTURES, 'parents.ini'));
    assert.deepEqual(
      targets.map((t) => [t.name, t.alerting?.parents ?? null]),
      [
        ['core-router', null],
        ['sw1', ['core-router']],
        ['sw2', ['core-router']],
        ['web1', ['sw1', 'sw2']],
        ['web2', ['sw2']],
      ],
    );
  });

  void it('names every vigil_parents problem of the inventory in one error', async () => {
    await assert.rejects(loadHostTargets(join(FIXTURES, 'parents-problems.ini')), (err: unknown) => {
      assert.ok(err instanceof InventoryError);
      assert.equal(err.message, `${join(FIXTURES, 'parents-problems.ini')}: `
        + "host 'web1': vigil_parents names 'sw9', which is not a host of the inventory; "
        + "host 'web2': vigil_parents names 'retired', which has vigil_enabled false: its outages would never be seen; "
        + 'vigil_parents form a loop: sw1 -> sw2 -> sw1');
      return true;
    });
  });

  void it('passes on the reader error for a broken inventory', async () => {
    await assert.rejects(loadHostTargets(join(FIXTURES, 'children-cycle.ini')), (err: unknown) => {
      assert.ok(err instanceof InventoryError);
      assert.equal(err.line, 8);
      return true;
    });
  });
});
