// The README's example inventory that mixes sources (inventory/examples/mixed-sources): Ansible
// and Vigil read the same hosts from it, and Vigil turns each into a target of its source.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { loadHostTargets } from '../../lib/inventory/to-host-target.ts';

const EXAMPLE = fileURLToPath(new URL('../../inventory/examples/mixed-sources', import.meta.url));

test('ansible-inventory and Vigil read the mixed-sources example alike, ssh with checks, node_exporter, snmp and vsphere', async () => {
  const { stdout } = await promisify(execFile)('ansible-inventory', ['-i', EXAMPLE, '--list'], { env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
  const ansible = JSON.parse(stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> } };
  const targets = await loadHostTargets(EXAMPLE);
  assert.deepEqual(targets.map((t) => t.name).sort(), Object.keys(ansible._meta.hostvars).sort());
  for (const target of targets) {
    assert.equal(target.source ?? 'ssh', ansible._meta.hostvars[target.name]?.['vigil_source'] ?? 'ssh', target.name);
  }
  const byName = new Map(targets.map((t) => [t.name, t]));
  assert.deepEqual(byName.get('printer-3f.example.com')?.snmp, { port: 161, profile: 'printer', security: { version: '2c', community: 'office-ro' } });
  assert.equal(byName.get('printer-3f.example.com')?.intervalSec, 60);
  assert.equal(byName.get('printer-2f.example.com')?.snmp?.security.version, '2c');
  assert.deepEqual(byName.get('core-sw1.example.com')?.snmp, {
    port: 161, profile: 'device',
    security: { version: '3', user: 'vigil', level: 'authPriv', authProtocol: 'sha256', authKey: 'change-this-auth-key', privProtocol: 'aes', privKey: 'change-this-priv-key' },
  });
  assert.equal(byName.get('db2.example.com')?.nodeExporterUrl, 'https://db2.example.com:9443/metrics');
  assert.equal(byName.get('web1.example.com')?.snmp, undefined);
  assert.deepEqual(byName.get('web2.example.com')?.checks?.map((check) => check.kind), ['http', 'tcp', 'systemd']);
  assert.equal(byName.get('db1.example.com')?.checks, undefined);
  assert.deepEqual(byName.get('vcenter1.example.com')?.vsphere, {
    url: 'https://10.0.0.50/sdk', user: 'vigil-ro@vsphere.local', password: 'change-this-password',
    tls: { verify: 'ca-file', caFile: `${EXAMPLE}/certs/vcenter1-vmca.pem` },
  });
  assert.equal(byName.get('vcenter1.example.com')?.intervalSec, 30);
});
