import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsphereTargetFromVars, VsphereTargetError } from '../../lib/vsphere/vsphere-target.ts';

const base = { vigil_source: 'vsphere', vigil_vsphere_user: 'monitor@vsphere.local', vigil_vsphere_password: 's3cret<&>' };

void test('the default URL is https://<ansible_host or name>/sdk, checked against the system CAs', () => {
  assert.deepEqual(vsphereTargetFromVars('vc1.example', base), {
    name: 'vc1.example',
    url: 'https://vc1.example/sdk',
    user: 'monitor@vsphere.local',
    password: 's3cret<&>',
    tls: { verify: 'system' },
  });
  assert.equal(vsphereTargetFromVars('vc1', { ...base, ansible_host: '10.0.0.5' }).url, 'https://10.0.0.5/sdk');
  assert.equal(vsphereTargetFromVars('vc1', { ...base, ansible_host: 'fd00::5' }).url, 'https://[fd00::5]/sdk');
  assert.equal(vsphereTargetFromVars('vc1', { ...base, vigil_vsphere_url: 'https://vc.example:8443/sdk' }).url, 'https://vc.example:8443/sdk');
  assert.equal(vsphereTargetFromVars('lab', { ...base, vigil_vsphere_url: 'http://127.0.0.1:8989/sdk' }).url, 'http://127.0.0.1:8989/sdk');
  // A vault value arrives decrypted; a number typed by a YAML inventory is a password too.
  assert.equal(vsphereTargetFromVars('vc1', { ...base, vigil_vsphere_password: 123456 }).password, '123456');
});

void test('certificate checking: a CA file (relative to the inventory) or insecure by name, never both', () => {
  assert.deepEqual(vsphereTargetFromVars('vc1', { ...base, vigil_vsphere_ca_file: 'certs/vmca.pem' }, { inventoryDir: '/etc/ansible' }).tls, { verify: 'ca-file', caFile: '/etc/ansible/certs/vmca.pem' });
  assert.deepEqual(vsphereTargetFromVars('vc1', { ...base, vigil_vsphere_ca_file: '/srv/vmca.pem' }, { inventoryDir: '/etc/ansible' }).tls, { verify: 'ca-file', caFile: '/srv/vmca.pem' });
  assert.deepEqual(vsphereTargetFromVars('vc1', { ...base, vigil_vsphere_insecure: true }).tls, { verify: 'off' });
  assert.deepEqual(vsphereTargetFromVars('vc1', { ...base, vigil_vsphere_insecure: 'yes' }).tls, { verify: 'off' });
  assert.deepEqual(vsphereTargetFromVars('vc1', { ...base, vigil_vsphere_insecure: 'false' }).tls, { verify: 'system' });
});

function rejects(vars: Record<string, unknown>, variable: string, pattern: RegExp): void {
  assert.throws(() => vsphereTargetFromVars('vc1', vars), (error: unknown) => {
    assert.ok(error instanceof VsphereTargetError);
    assert.equal(error.host, 'vc1');
    assert.equal(error.variable, variable);
    assert.match(error.message, /^host 'vc1': /);
    assert.match(error.message, pattern);
    assert.doesNotMatch(error.message, /s3cret|hunter2/);
    return true;
  });
}

void test('errors name the host and the variable, never a secret', () => {
  rejects({ ...base, vigil_source: 'ssh' }, 'vigil_source', /must be vsphere/);
  rejects({ ...base, vigil_vsphere_user: undefined }, 'vigil_vsphere_user', /is required/);
  rejects({ ...base, vigil_vsphere_user: '' }, 'vigil_vsphere_user', /is required/);
  rejects({ ...base, vigil_vsphere_password: undefined }, 'vigil_vsphere_password', /is required/);
  rejects({ ...base, vigil_vsphere_password: ['hunter2'] }, 'vigil_vsphere_password', /must be a string, got a list/);
  rejects({ ...base, vigil_vsphere_url: 'vc1.example/sdk' }, 'vigil_vsphere_url', /is not a URL/);
  rejects({ ...base, vigil_vsphere_url: 'ftp://vc1/sdk' }, 'vigil_vsphere_url', /must be an https/);
  rejects({ ...base, vigil_vsphere_url: 'https://root:hunter2@vc1/sdk' }, 'vigil_vsphere_url', /must not carry a user or password/);
  rejects({ ...base, vigil_vsphere_insecure: 'maybe' }, 'vigil_vsphere_insecure', /must be true or false, got "maybe"/);
  rejects({ ...base, vigil_vsphere_insecure: true, vigil_vsphere_ca_file: '/ca.pem' }, 'vigil_vsphere_insecure', /contradict/);
  rejects({ ...base, vigil_vsphere_url: 'http://vc1/sdk', vigil_vsphere_insecure: true }, 'vigil_vsphere_insecure', /no effect on the plain http URL/);
  rejects({ ...base, vigil_vsphere_url: 'http://vc1/sdk', vigil_vsphere_ca_file: '/ca.pem' }, 'vigil_vsphere_ca_file', /no effect/);
  rejects({ ...base, vigil_vsphere_ca_file: '' }, 'vigil_vsphere_ca_file', /is empty/);
  rejects({ ...base, vigil_vsphere_ca_file: { path: 'x' } }, 'vigil_vsphere_ca_file', /must be a string, got a mapping/);
});
