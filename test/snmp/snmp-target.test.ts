import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EncryptedString } from '../../lib/inventory/python-values.ts';
import { snmpTargetFromVars, SnmpTargetError } from '../../lib/snmp/snmp-target.ts';

function rejects(vars: Record<string, unknown>, variable: string, pattern: RegExp): void {
  assert.throws(() => snmpTargetFromVars('printer1', { vigil_source: 'snmp', ...vars }), (error: unknown) => {
    assert.ok(error instanceof SnmpTargetError);
    assert.equal(error.host, 'printer1');
    assert.equal(error.variable, variable);
    assert.match(error.message, /^host 'printer1': /);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('snmpTargetFromVars', () => {
  test('a host of another source is not an SNMP target', () => {
    assert.equal(snmpTargetFromVars('web1', {}), null);
    assert.equal(snmpTargetFromVars('web1', { vigil_source: 'ssh', vigil_snmp_community: 'x' }), null);
  });

  test('v2c with defaults: port 161, community public, device profile, address from ansible_host', () => {
    assert.deepEqual(snmpTargetFromVars('printer1', { vigil_source: 'SNMP', ansible_host: '10.0.0.9' }), {
      name: 'printer1', address: '10.0.0.9', port: 161, profile: 'device', security: { version: '2c', community: 'public' },
    });
  });

  test('v2c with a community, a port as a string and the printer profile', () => {
    assert.deepEqual(snmpTargetFromVars('printer1', {
      vigil_source: 'snmp', vigil_snmp_version: '2c', vigil_snmp_community: 's3cret', vigil_snmp_port: '1161', vigil_snmp_profile: 'printer',
    }), { name: 'printer1', address: 'printer1', port: 1161, profile: 'printer', security: { version: '2c', community: 's3cret' } });
  });

  test('v3 authPriv, the version as a YAML number, keys as decrypted vault values', () => {
    const target = snmpTargetFromVars('printer1', {
      vigil_source: 'snmp', vigil_snmp_version: 3, vigil_snmp_user: 'monitor',
      vigil_snmp_auth_protocol: 'SHA256', vigil_snmp_auth_key: new EncryptedString('$ANSIBLE_VAULT;…', 'auth-key-1'),
      vigil_snmp_priv_protocol: 'aes', vigil_snmp_priv_key: 'priv-key-1',
    });
    assert.deepEqual(target?.security, {
      version: '3', user: 'monitor', level: 'authPriv', authProtocol: 'sha256', authKey: 'auth-key-1', privProtocol: 'aes', privKey: 'priv-key-1',
    });
  });

  test('v3 levels follow the keys given', () => {
    const base = { vigil_source: 'snmp', vigil_snmp_version: '3', vigil_snmp_user: 'monitor' };
    assert.deepEqual(snmpTargetFromVars('p', base)?.security, { version: '3', user: 'monitor', level: 'noAuthNoPriv' });
    assert.deepEqual(snmpTargetFromVars('p', { ...base, vigil_snmp_auth_protocol: 'md5', vigil_snmp_auth_key: '12345678' })?.security, {
      version: '3', user: 'monitor', level: 'authNoPriv', authProtocol: 'md5', authKey: '12345678',
    });
  });

  test('errors name the host, the variable and the problem, never a secret', () => {
    rejects({ vigil_snmp_version: '1' }, 'vigil_snmp_version', /must be one of 2c, 3, got "1"/);
    rejects({ vigil_snmp_port: 70000 }, 'vigil_snmp_port', /1\.\.65535/);
    rejects({ vigil_snmp_profile: 'ups' }, 'vigil_snmp_profile', /device, printer/);
    rejects({ vigil_snmp_community: '' }, 'vigil_snmp_community', /must not be empty/);
    rejects({ vigil_snmp_community: new EncryptedString('$ANSIBLE_VAULT;…', null) }, 'vigil_snmp_community', /no vault password/);
    rejects({ vigil_snmp_user: 'monitor' }, 'vigil_snmp_user', /SNMPv3 setting/);
    rejects({ vigil_snmp_version: '3' }, 'vigil_snmp_user', /must be set for SNMP version 3/);
    rejects({ vigil_snmp_version: '3', vigil_snmp_user: 'm', vigil_snmp_community: 'c' }, 'vigil_snmp_community', /SNMPv2c setting/);
    rejects({ vigil_snmp_version: '3', vigil_snmp_user: 'm', vigil_snmp_auth_key: 'long-enough' }, 'vigil_snmp_auth_protocol', /together with vigil_snmp_auth_key/);
    rejects({ vigil_snmp_version: '3', vigil_snmp_user: 'm', vigil_snmp_auth_protocol: 'sha1', vigil_snmp_auth_key: 'long-enough' }, 'vigil_snmp_auth_protocol', /md5, sha, sha224/);
    rejects({ vigil_snmp_version: '3', vigil_snmp_user: 'm', vigil_snmp_priv_protocol: 'aes', vigil_snmp_priv_key: 'long-enough' }, 'vigil_snmp_priv_protocol', /no privacy without authentication/);
    rejects({ vigil_snmp_version: '3', vigil_snmp_user: 'm', vigil_snmp_auth_protocol: 'sha', vigil_snmp_auth_key: 'short' }, 'vigil_snmp_auth_key', /at least 8 characters, got 5$/);
    rejects({ vigil_snmp_version: '3', vigil_snmp_user: 'm', vigil_snmp_auth_protocol: 'sha', vigil_snmp_auth_key: 'long-enough', vigil_snmp_priv_protocol: '3des', vigil_snmp_priv_key: 'long-enough' }, 'vigil_snmp_priv_protocol', /des, aes, aes256b, aes256r/);
    rejects({ vigil_snmp_community: ['a'] }, 'vigil_snmp_community', /must be a string$/);
  });
});
