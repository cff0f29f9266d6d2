import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../lib/config.ts';

test('vigil up needs nothing: every default applies', () => {
  const config = loadConfig('up', {});
  assert.equal(config.databaseUrl, null);
  assert.equal(config.amqpUrl, null);
  assert.equal(config.httpHost, '127.0.0.1');
  assert.equal(config.httpPort, 8080);
  assert.equal(config.dataDir, path.resolve('data'));
  assert.equal(config.inventory, path.resolve('inventory/hosts'));
  assert.equal(config.downAfter, 3);
  assert.equal(config.sshConnectRate, 25);
});

test('VIGIL_SSH_CONNECT_RATE paces a worker\'s new SSH connections; a rate of 0 or a word is an error', () => {
  assert.equal(loadConfig('worker', { VIGIL_AMQP_URL: 'amqp://127.0.0.1', VIGIL_SSH_CONNECT_RATE: '200' }).sshConnectRate, 200);
  const error = captureConfigError(() => loadConfig('worker', { VIGIL_AMQP_URL: 'amqp://127.0.0.1', VIGIL_SSH_CONNECT_RATE: '0' }));
  assert.match(error.message, /VIGIL_SSH_CONNECT_RATE="0" must be a whole number from 1 to 10000/);
  assert.match(captureConfigError(() => loadConfig('up', { VIGIL_SSH_CONNECT_RATE: 'fast' })).message, /VIGIL_SSH_CONNECT_RATE="fast"/);
});

test('every problem is reported at once, naming the variable', () => {
  const error = captureConfigError(() =>
    loadConfig('writer', { VIGIL_HTTP_PORT: '80x', VIGIL_AMQP_URL: 'http://broker', VIGIL_DOWN_AFTER: '0', VIGIL_LOG_LEVEL: 'loud' }),
  );
  assert.equal(error.problems.length, 5, error.message);
  assert.match(error.message, /VIGIL_DATABASE_URL is required by `vigil writer`/);
  assert.match(error.message, /VIGIL_AMQP_URL must start with amqp: or amqps:/);
  assert.match(error.message, /VIGIL_HTTP_PORT="80x" must be a whole number from 0 to 65535/);
  assert.match(error.message, /VIGIL_DOWN_AFTER="0"/);
  assert.match(error.message, /VIGIL_LOG_LEVEL="loud"/);
});

test('the bus packs messages by default; VIGIL_AMQP_PACK=off or bad packing settings are read with the rest', () => {
  assert.equal(loadConfig('worker', { VIGIL_AMQP_URL: 'amqp://127.0.0.1', VIGIL_AMQP_PACK: 'off' }).amqpPacking, false);
  const packing = loadConfig('worker', { VIGIL_AMQP_URL: 'amqp://127.0.0.1', VIGIL_AMQP_PACK_JOB_SHARDS: '256' }).amqpPacking;
  assert.ok(packing !== false);
  assert.equal(packing.jobShards, 256);
  const error = captureConfigError(() =>
    loadConfig('worker', { VIGIL_AMQP_URL: 'amqp://127.0.0.1', VIGIL_AMQP_PACK: 'maybe', VIGIL_AMQP_PACK_MAX_BYTES: 'lots', VIGIL_HTTP_PORT: 'x' }),
  );
  assert.equal(error.problems.length, 3, error.message);
  assert.match(error.message, /VIGIL_AMQP_PACK must be on or off, not "maybe"/);
  assert.match(error.message, /VIGIL_AMQP_PACK_MAX_BYTES must be an integer/);
});

test('each service asks only for the connections it uses', () => {
  assert.doesNotThrow(() => loadConfig('worker', { VIGIL_AMQP_URL: 'amqp://127.0.0.1' }));
  assert.doesNotThrow(() => loadConfig('web', { VIGIL_DATABASE_URL: 'postgres://127.0.0.1/vigil' }));
  assert.match(captureConfigError(() => loadConfig('web', {})).message, /VIGIL_DATABASE_URL is required/);
  assert.match(captureConfigError(() => loadConfig('worker', {})).message, /VIGIL_AMQP_URL is required/);
});

test('a password in a bad URL never reaches the message', () => {
  const error = captureConfigError(() => loadConfig('worker', { VIGIL_AMQP_URL: 'amqp://u:topsecret@host:notaport' }));
  assert.doesNotMatch(error.message, /topsecret/);
});

test('vigil up listens on loopback only unless told otherwise', () => {
  assert.equal(loadConfig('up', {}).httpHost, '127.0.0.1');
  assert.equal(loadConfig('web', { VIGIL_DATABASE_URL: 'postgres://127.0.0.1/vigil' }).httpHost, '127.0.0.1');
  assert.equal(loadConfig('up', { VIGIL_HTTP_HOST: '0.0.0.0' }).httpHost, '0.0.0.0');
});

test('VIGIL_COOKIE_SECURE is true or false (default false); anything else is an error', () => {
  assert.equal(loadConfig('up', {}).cookieSecure, false);
  assert.equal(loadConfig('up', { VIGIL_COOKIE_SECURE: 'true' }).cookieSecure, true);
  assert.equal(loadConfig('up', { VIGIL_COOKIE_SECURE: 'false' }).cookieSecure, false);
  assert.match(captureConfigError(() => loadConfig('up', { VIGIL_COOKIE_SECURE: 'yes' })).message, /VIGIL_COOKIE_SECURE="yes" must be true or false/);
});

test('VIGIL_API_TOKEN must look like a Vigil token, and a bad one is never echoed', () => {
  const token = 'vigil_' + 'a'.repeat(43);
  assert.equal(loadConfig('up', { VIGIL_API_TOKEN: token }).apiToken, token);
  assert.equal(loadConfig('up', {}).apiToken, null);
  const error = captureConfigError(() => loadConfig('up', { VIGIL_API_TOKEN: 'ghp_s3cretvalue' }));
  assert.match(error.message, /VIGIL_API_TOKEN is not a Vigil API token/);
  assert.doesNotMatch(error.message, /s3cretvalue/);
});

test('VIGIL_STATUS_PAGE lists the status page\'s groups in order (off when unset); a bad name or an empty list is an error', () => {
  assert.equal(loadConfig('up', {}).statusPage, null);
  assert.deepEqual(loadConfig('up', { VIGIL_STATUS_PAGE: ' web, db ,web,' }).statusPage, { groups: ['web', 'db'], title: 'Service status' });
  assert.deepEqual(loadConfig('up', { VIGIL_STATUS_PAGE: 'shop', VIGIL_STATUS_PAGE_TITLE: 'Acme status' }).statusPage, { groups: ['shop'], title: 'Acme status' });
  assert.match(captureConfigError(() => loadConfig('up', { VIGIL_STATUS_PAGE: 'web,<db>' })).message, /VIGIL_STATUS_PAGE="web,<db>" must list inventory group names separated by commas \(not "<db>"\)/);
  assert.match(captureConfigError(() => loadConfig('up', { VIGIL_STATUS_PAGE: ',' })).message, /VIGIL_STATUS_PAGE="," must list inventory group names/);
});

function captureConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

test('an Ansible repository\'s ansible.cfg names the inventory and the vault password file; VIGIL_* variables win; a broken one is a problem listed', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-config-ansible-'));
  try {
    const cfg = path.join(dir, 'ansible.cfg');
    writeFileSync(cfg, '[defaults]\ninventory = inventories/prod/hosts.yml, inventories/extra\nvault_password_file = .vault_pass\n');
    const fromAnsible = loadConfig('up', { ANSIBLE_CONFIG: cfg });
    assert.equal(fromAnsible.inventory, path.join(dir, 'inventories/prod/hosts.yml'));
    assert.equal(fromAnsible.alertRules, path.join(dir, 'inventories/prod/alerts.yml'));
    assert.equal(fromAnsible.vaultPasswordFile, path.join(dir, '.vault_pass'));
    const own = loadConfig('up', { ANSIBLE_CONFIG: cfg, VIGIL_INVENTORY: 'mine/hosts', VIGIL_VAULT_PASSWORD_FILE: 'mine/pass' });
    assert.equal(own.inventory, path.resolve('mine/hosts'));
    assert.equal(own.vaultPasswordFile, path.resolve('mine/pass'));

    writeFileSync(cfg, '[defaults]\ninventory = a\ninventory = b\n');
    const error = captureConfigError(() => loadConfig('up', { ANSIBLE_CONFIG: cfg, VIGIL_HTTP_PORT: 'x' }));
    assert.equal(error.problems.length, 2, error.message);
    assert.match(error.message, new RegExp(`Ansible's configuration: ${cfg}:3: Error reading config file: option 'inventory' already exists`));
    // A service that reads neither the inventory nor alerts.yml starts whatever the file holds.
    assert.equal(loadConfig('writer', { ANSIBLE_CONFIG: cfg, VIGIL_DATABASE_URL: 'postgres://127.0.0.1/x', VIGIL_AMQP_URL: 'amqp://127.0.0.1' }).inventory, path.resolve('inventory/hosts'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
