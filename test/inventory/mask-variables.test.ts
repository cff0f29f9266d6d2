import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSecretVariableName, MASKED, maskVariables } from '../../lib/inventory/mask-variables.ts';
import { EncryptedString, IntegralFloat, PythonDateTime, UnsafeText } from '../../lib/inventory/python-values.ts';

void describe('isSecretVariableName', () => {
  void test("Ansible's secret variables and secret-looking names are secrets, in any case", () => {
    for (const name of [
      'ansible_password', 'ansible_ssh_pass', 'ansible_pass', 'ansible_become_pass', 'ansible_become_password', 'ansible_sudo_pass',
      'ansible_ssh_private_key_passphrase', 'DB_PASSWORD', 'smtp_passwd', 'client_secret', 'github_token', 'TLS_PRIVATE_KEY',
      'datadog_api_key', 'apikey', 'vault_addr', 'hashi_Vault_role', 'pass',
      'vigil_snmp_community', 'vigil_snmp_auth_key', 'vigil_snmp_priv_key',
    ]) {
      assert.equal(isSecretVariableName(name), true, name);
    }
  });

  void test('a path to a private key, and ordinary names, are not', () => {
    for (const name of ['ansible_ssh_private_key_file', 'ansible_private_key_file', 'ansible_host', 'ansible_user', 'vigil_interval', 'vigil_snmp_auth_protocol', 'vigil_snmp_priv_protocol', 'vigil_snmp_user', 'compass', 'passenger_count', 'bypass_proxy']) {
      assert.equal(isSecretVariableName(name), false, name);
    }
  });
});

void describe('maskVariables', () => {
  void test('masks secret names and vaulted values, keeps the rest as plain JSON values', () => {
    const vars = {
      ansible_host: '10.0.0.5',
      ansible_password: 'hunter2',
      ansible_ssh_private_key_file: '/home/ops/.ssh/id_ed25519',
      db_dsn: new EncryptedString('$ANSIBLE_VAULT;1.1;AES256\n6162', 'postgres://app:s3cret@db/app'),
      locked: new EncryptedString('$ANSIBLE_VAULT;1.1;AES256\n6364', null),
      pasted_vault_text: '$ANSIBLE_VAULT;1.1;AES256\n3132333435',
      motd: new UnsafeText('{{ not a template }}'),
      ratio: new IntegralFloat(2),
      since: new PythonDateTime('2024-01-02T03:04:05'),
      huge: 12345678901234567890n,
      ports: [22, 2222],
      enabled: true,
      nothing: null,
    };
    assert.deepEqual(maskVariables(vars), {
      ansible_host: '10.0.0.5',
      ansible_password: MASKED,
      ansible_ssh_private_key_file: '/home/ops/.ssh/id_ed25519',
      db_dsn: MASKED,
      locked: MASKED,
      pasted_vault_text: MASKED,
      motd: '{{ not a template }}',
      ratio: 2,
      since: '2024-01-02T03:04:05',
      huge: '12345678901234567890',
      ports: [22, 2222],
      enabled: true,
      nothing: null,
    });
  });

  void test('masks at any depth: a secret key inside a dict, a vaulted item in a list, all of a secret-named dict', () => {
    const masked = maskVariables({
      app: { name: 'shop', db: { user: 'shop', password: 'pw-in-dict' }, tokens: ['t1', 't2'] },
      servers: [{ host: 'a', api_key: 'k-in-list' }, new EncryptedString('$ANSIBLE_VAULT;1.1;AES256\n00', 'vaulted-in-list')],
      vault: { addr: 'https://vault.example', role_id: 'r' },
    });
    assert.deepEqual(masked, {
      app: { name: 'shop', db: { user: 'shop', password: MASKED }, tokens: MASKED },
      servers: [{ host: 'a', api_key: MASKED }, MASKED],
      vault: MASKED,
    });
  });

  void test('a password written into a command-line value is redacted too', () => {
    const masked = maskVariables({ ansible_ssh_common_args: '-o ProxyCommand="connect --password=pw-in-args %h %p"' });
    assert.doesNotMatch(JSON.stringify(masked), /pw-in-args/);
    assert.match(String(masked['ansible_ssh_common_args']), /ProxyCommand/);
  });

  void test('a variable named __proto__ stays a variable', () => {
    const vars: Record<string, unknown> = {};
    Object.defineProperty(vars, '__proto__', { value: 'x', enumerable: true, configurable: true, writable: true });
    const masked = maskVariables(vars);
    assert.deepEqual(Object.keys(masked), ['__proto__']);
    assert.equal(Object.getPrototypeOf(masked), Object.prototype);
    assert.equal(JSON.stringify(masked), '{"__proto__":"x"}');
  });
});
