import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultNodeExporterUrl, sourceFromVars } from '../../lib/collect/source-from-vars.ts';
import { HostTargetError, toHostTarget } from '../../lib/inventory/to-host-target.ts';

const OPTIONS = { inventoryDir: '/etc/vigil', defaultUser: 'monitor', source: '/etc/vigil/hosts' };

function target(vars: Record<string, unknown>) {
  return toHostTarget({ name: 'web1', groups: [], vars }, OPTIONS);
}

function rejection(vars: Record<string, unknown>): HostTargetError {
  try {
    target(vars);
  } catch (err) {
    assert.ok(err instanceof HostTargetError, String(err));
    return err;
  }
  return assert.fail(`${JSON.stringify(vars)} should be rejected`);
}

void test('without the variables a target keeps its plain shape (ssh)', () => {
  const plain = target({});
  assert.equal(plain?.source, undefined);
  assert.equal(plain?.nodeExporterUrl, undefined);
  assert.equal('source' in (plain ?? {}), false, 'the scheduler compares targets: no new keys for old hosts');
  assert.deepEqual(target({ vigil_source: 'ssh' }), { ...plain, source: 'ssh' });
  assert.equal(target({ vigil_source: 'ssh', vigil_node_exporter_url: 'http://x:9100/metrics' })?.nodeExporterUrl, undefined);
});

void test('node_exporter defaults to port 9100 of ansible_host, or of the inventory name', () => {
  assert.deepEqual(sourceFromVars({ vigil_source: 'node_exporter' }, 'web1', assert.fail), { source: 'node_exporter', nodeExporterUrl: 'http://web1:9100/metrics' });
  const viaHost = target({ vigil_source: 'node_exporter', ansible_host: '10.0.0.5' });
  assert.equal(viaHost?.source, 'node_exporter');
  assert.equal(viaHost?.nodeExporterUrl, 'http://10.0.0.5:9100/metrics');
  assert.equal(target({ vigil_source: ' Node_Exporter ' })?.nodeExporterUrl, 'http://web1:9100/metrics');
  assert.equal(defaultNodeExporterUrl('fd00::5'), 'http://[fd00::5]:9100/metrics');
});

void test('vigil_node_exporter_url is taken as given (http or https, any port and path)', () => {
  const custom = target({ vigil_source: 'node_exporter', vigil_node_exporter_url: 'https://metrics.example:9443/node/metrics?x=1' });
  assert.equal(custom?.nodeExporterUrl, 'https://metrics.example:9443/node/metrics?x=1');
});

void test('vsphere is a source of its own: its settings come from the vigil_vsphere_* variables', () => {
  assert.deepEqual(sourceFromVars({ vigil_source: ' vSphere ' }, 'vc1', assert.fail), { source: 'vsphere' });
  const vc = target({ vigil_source: 'vsphere', ansible_host: '10.0.0.9', vigil_vsphere_user: 'ro@vsphere.local', vigil_vsphere_password: 's3cret', vigil_vsphere_ca_file: 'certs/vmca.pem' });
  assert.equal(vc?.source, 'vsphere');
  assert.equal(vc?.nodeExporterUrl, undefined);
  assert.deepEqual(vc?.vsphere, {
    url: 'https://10.0.0.9/sdk', user: 'ro@vsphere.local', password: 's3cret', tls: { verify: 'ca-file', caFile: '/etc/vigil/certs/vmca.pem' },
  });
  assert.equal(target({ vigil_source: 'ssh', vigil_vsphere_user: 'x' })?.vsphere, undefined, 'vsphere settings only with the vsphere source');
  const noPassword = rejection({ vigil_source: 'vsphere', vigil_vsphere_user: 'ro' });
  assert.equal(noPassword.variable, 'vigil_vsphere_password');
  assert.match(noPassword.message, /host 'web1': vigil_vsphere_password is required for vigil_source=vsphere/);
  const badUrl = rejection({ vigil_source: 'vsphere', vigil_vsphere_user: 'ro', vigil_vsphere_password: 'pw', vigil_vsphere_url: 'ftp://vc/sdk' });
  assert.equal(badUrl.variable, 'vigil_vsphere_url');
  assert.doesNotMatch(badUrl.message, /pw/);
});

void test('snmp is a source of its own, with no exporter URL', () => {
  assert.deepEqual(sourceFromVars({ vigil_source: ' SNMP ' }, 'printer1', assert.fail), { source: 'snmp' });
});

void test('bad values are errors naming the host and the variable', () => {
  const badSource = rejection({ vigil_source: 'snmpp' });
  assert.equal(badSource.host, 'web1');
  assert.equal(badSource.variable, 'vigil_source');
  assert.match(badSource.message, /host 'web1': vigil_source must be one of ssh, node_exporter, snmp, vsphere, got "snmpp"/);
  assert.equal(rejection({ vigil_source: 3 }).variable, 'vigil_source');
  for (const url of ['ftp://web1/metrics', 'web1:9100/metrics', 'not a url', '', 42]) {
    const err = rejection({ vigil_source: 'node_exporter', vigil_node_exporter_url: url });
    assert.equal(err.variable, 'vigil_node_exporter_url', String(url));
    assert.match(err.message, /host 'web1': vigil_node_exporter_url /);
  }
  // Checked even while the host is on SSH, so a typo shows before someone switches.
  assert.equal(rejection({ vigil_node_exporter_url: 'gopher://x' }).variable, 'vigil_node_exporter_url');
});

void test('a password in the URL is never shown in an error', () => {
  const err = rejection({ vigil_source: 'node_exporter', vigil_node_exporter_url: 'ftp://scraper:hunter2@web1/metrics' });
  assert.doesNotMatch(err.message, /hunter2/);
  assert.equal(target({ vigil_source: 'node_exporter', vigil_node_exporter_url: 'http://scraper:hunter2@web1:9100/metrics' })?.nodeExporterUrl,
    'http://scraper:hunter2@web1:9100/metrics');
});
