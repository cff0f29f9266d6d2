// vigil_libvirt and vigil_libvirt_uri as the inventory reader takes them: Ansible's booleans, the
// default URI, and a clear error naming the host and the variable for a value Vigil cannot use.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { HostTargetError, loadHostTargets, toHostTarget } from '../../lib/inventory/to-host-target.ts';

const options = { inventoryDir: '/tmp', defaultUser: 'vigil', source: '/tmp/hosts' };
const target = (vars: Record<string, unknown>) => toHostTarget({ name: 'kvm1', groups: ['kvm'], vars }, options);

function rejects(vars: Record<string, unknown>, variable: string, message: RegExp): void {
  assert.throws(() => target(vars), (error: unknown) => {
    assert.ok(error instanceof HostTargetError, String(error));
    assert.equal(error.host, 'kvm1');
    assert.equal(error.variable, variable);
    assert.match(error.message, /host 'kvm1'/);
    assert.match(error.message, message);
    return true;
  });
}

void test('on as Ansible reads a boolean, with the system URI by default; off or absent leaves the target as it was', () => {
  for (const value of [true, 'true', 'True', 'yes', 'on', '1', 1]) assert.deepEqual(target({ vigil_libvirt: value })?.libvirt, { uri: 'qemu:///system' }, String(value));
  for (const value of [false, 'false', 'no', 'off', '0', 0]) assert.equal('libvirt' in (target({ vigil_libvirt: value }) ?? {}), false, String(value));
  assert.equal('libvirt' in (target({}) ?? {}), false);
  assert.deepEqual(target({ vigil_libvirt: 'yes', vigil_libvirt_uri: ' test:///default ' })?.libvirt, { uri: 'test:///default' });
  assert.deepEqual(target({ vigil_libvirt: 'yes', vigil_libvirt_uri: 'qemu+ssh://root@kvm2.example/system' })?.libvirt, { uri: 'qemu+ssh://root@kvm2.example/system' });
  // A node_exporter host still has its SSH connection, where virsh runs.
  assert.deepEqual(target({ vigil_libvirt: 'yes', vigil_source: 'node_exporter' })?.libvirt, { uri: 'qemu:///system' });
});

void test('a value Vigil cannot use is an inventory error naming the host and the variable', () => {
  rejects({ vigil_libvirt: 'maybe' }, 'vigil_libvirt', /must be true or false, got "maybe"/);
  rejects({ vigil_libvirt: true, vigil_libvirt_uri: "qemu:///system'; reboot; '" }, 'vigil_libvirt_uri', /must be a libvirt URI/);
  rejects({ vigil_libvirt: true, vigil_libvirt_uri: 'qemu:///sys tem' }, 'vigil_libvirt_uri', /no spaces/);
  rejects({ vigil_libvirt: true, vigil_libvirt_uri: ['qemu:///system'] }, 'vigil_libvirt_uri', /must be a libvirt URI/);
  // Checked while off too, so that a typo shows before someone turns it on.
  rejects({ vigil_libvirt_uri: 'system' }, 'vigil_libvirt_uri', /must be a libvirt URI/);
  rejects({ vigil_libvirt: 'yes', vigil_source: 'snmp' }, 'vigil_libvirt', /SSH connection.*vigil_source snmp/);
});

void test('the mixed-sources example inventory has a KVM host with its guests listed', async () => {
  const example = fileURLToPath(new URL('../../inventory/examples/mixed-sources', import.meta.url));
  const targets = await loadHostTargets(example);
  const kvm = targets.filter((t) => t.libvirt !== undefined);
  assert.deepEqual(kvm.map((t) => [t.name, t.source ?? 'ssh', t.libvirt?.uri]), [['kvm1.example.com', 'ssh', 'qemu:///system']]);
});
