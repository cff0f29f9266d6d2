import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { VaultError, decryptVaultString, isVaultText, readVaultPasswordFile } from '../../lib/inventory/vault.ts';

const run = promisify(execFile);
const ANSIBLE_VAULT = 'ansible-vault';
const PASSWORD = 'correct horse battery staple';
const SECRET = 'pässwörd with spaces, quotes \' " and $dollars';

async function ansibleVault(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(ANSIBLE_VAULT, args, { cwd, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
    return stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`these tests need the real ansible-vault: install the Debian package ansible-core (apt-get install -y ansible-core)`);
    }
    throw err;
  }
}

/** The value of `name` in encrypt_string's YAML output, read as a YAML reader sees the `!vault` scalar. */
function vaultValue(yamlText: string, name: string): string {
  const doc = parse(yamlText, { customTags: [{ tag: '!vault', resolve: (text: string) => text }] }) as Record<string, unknown>;
  const value = doc[name];
  assert.equal(typeof value, 'string', `no !vault value named ${name} in ${yamlText}`);
  return value as string;
}

function assertNoSecrets(err: unknown, ...secrets: string[]): void {
  const text = `${String(err)} ${(err as Error).stack ?? ''}`;
  for (const secret of secrets) assert.ok(!text.includes(secret), `error message leaks a secret: ${text}`);
}

void describe('vault with the real ansible-vault', () => {
  let dir: string;
  let passwordFile: string;
  let v11: string;
  let v12: string;
  let multiline: string;
  let vaultedFile: string;
  let scriptVaulted: string;
  const FILE_TEXT = 'ansible_password: s3cret-from-a-file\nansible_become_password: "another one"\n';
  const MULTILINE = 'line one\nline two: ü\n\n  indented\n';

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-vault-'));
    passwordFile = path.join(dir, 'vault-pass');
    // Ansible strips surrounding whitespace and the newline from a password file.
    await writeFile(passwordFile, `  ${PASSWORD}  \n`, { mode: 0o600 });
    const script = path.join(dir, 'vault-pass-script');
    await writeFile(script, `#!/bin/sh\nprintf '%s\\n' 'script password'\n`, { mode: 0o700 });
    const plainFile = path.join(dir, 'secrets.yml');
    await writeFile(plainFile, FILE_TEXT);
    const multilineFile = path.join(dir, 'multiline.txt');
    await writeFile(multilineFile, MULTILINE);

    // ansible-vault starts a Python interpreter each time: run them side by side.
    const outputs = await Promise.all([
      ansibleVault(['encrypt_string', '--vault-password-file', passwordFile, '--name', 'ansible_password', SECRET], dir),
      ansibleVault(['encrypt_string', '--vault-id', `prod@${passwordFile}`, '--name', 'ansible_password', SECRET], dir),
      ansibleVault(['encrypt', '--vault-password-file', passwordFile, plainFile], dir),
      ansibleVault(['encrypt_string', '--vault-password-file', script, '--name', 'v', 'from a script'], dir),
      ansibleVault(['encrypt', '--vault-password-file', passwordFile, '--output', '-', multilineFile], dir),
    ]);
    v11 = vaultValue(outputs[0] as string, 'ansible_password');
    v12 = vaultValue(outputs[1] as string, 'ansible_password');
    scriptVaulted = vaultValue(outputs[3] as string, 'v');
    multiline = outputs[4] as string;
    vaultedFile = await readFile(plainFile, 'utf8');
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('decrypts an encrypt_string value (format 1.1)', () => {
    assert.match(v11, /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    assert.ok(isVaultText(v11));
    assert.equal(decryptVaultString(v11, PASSWORD), SECRET);
  });

  void test('decrypts a value encrypted with --vault-id label@file (format 1.2)', () => {
    assert.match(v12, /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    assert.equal(decryptVaultString(v12, PASSWORD), SECRET);
  });

  void test('decrypts a whole encrypted vars file to its YAML text', () => {
    assert.ok(isVaultText(vaultedFile));
    assert.equal(decryptVaultString(vaultedFile, PASSWORD), FILE_TEXT);
    assert.deepEqual(parse(decryptVaultString(vaultedFile, PASSWORD)), {
      ansible_password: 's3cret-from-a-file',
      ansible_become_password: 'another one',
    });
  });

  void test('keeps newlines, blank lines and non-ASCII text exactly', () => {
    assert.equal(decryptVaultString(multiline, PASSWORD), MULTILINE);
  });

  void test('accepts the envelope with indentation and CRLF line ends (as pasted into a file)', () => {
    const indented = v11
      .split('\n')
      .map((line) => `      ${line}`)
      .join('\r\n');
    assert.ok(isVaultText(indented));
    assert.equal(decryptVaultString(indented, PASSWORD), SECRET);
  });

  void test('reads the password file as Ansible does: surrounding whitespace and the newline removed', async () => {
    assert.equal(await readVaultPasswordFile(passwordFile), PASSWORD);
  });

  void test('runs an executable password file and takes its stdout, as Ansible does', async () => {
    const password = await readVaultPasswordFile(path.join(dir, 'vault-pass-script'));
    assert.equal(password, 'script password');
    assert.equal(decryptVaultString(scriptVaulted, password), 'from a script');
  });

  void test('a wrong password is a VaultError saying so, without the password or the value', () => {
    assert.throws(
      () => decryptVaultString(v11, 'not the password'),
      (err: unknown) => {
        assert.ok(err instanceof VaultError);
        assert.match(err.message, /wrong vault password or corrupted data/);
        assertNoSecrets(err, 'not the password', PASSWORD, SECRET);
        return true;
      },
    );
    assert.throws(() => decryptVaultString(vaultedFile, 'wrong'), /wrong vault password or corrupted data/);
  });

  void test('tampered ciphertext fails the HMAC check', () => {
    const [header, ...body] = v11.trimEnd().split('\n');
    const [salt, hmac, ciphertext] = Buffer.from(body.join(''), 'hex').toString('ascii').split('\n') as [string, string, string];
    // One bit of the ciphertext flipped; CTR mode would decrypt it silently to a wrong value.
    const bytes = Buffer.from(ciphertext, 'hex');
    bytes[0] = (bytes[0] as number) ^ 1;
    const tampered = `${header}\n${Buffer.from(`${salt}\n${hmac}\n${bytes.toString('hex')}`, 'ascii').toString('hex')}`;
    assert.throws(() => decryptVaultString(tampered, PASSWORD), (err: unknown) => {
      assert.ok(err instanceof VaultError);
      assert.match(err.message, /wrong vault password or corrupted data \(HMAC mismatch\)/);
      assertNoSecrets(err, PASSWORD, SECRET);
      return true;
    });
  });

  void test('truncated data is a VaultError, never a crash or garbage', () => {
    const lines = v11.trimEnd().split('\n');
    for (const keep of [1, 2, lines.length - 1]) {
      const truncated = lines.slice(0, keep).join('\n');
      assert.throws(() => decryptVaultString(truncated, PASSWORD), VaultError, `kept ${keep} lines`);
    }
    assert.throws(() => decryptVaultString(v11.trimEnd().slice(0, -2), PASSWORD), VaultError);
  });

  void test('an unsupported version or cipher is named in the error', () => {
    const body = v11.split('\n').slice(1).join('\n');
    assert.throws(() => decryptVaultString(`$ANSIBLE_VAULT;1.0;AES\n${body}`, PASSWORD), /unsupported vault format version '1\.0'/);
    assert.throws(() => decryptVaultString(`$ANSIBLE_VAULT;1.1;AES128\n${body}`, PASSWORD), /unsupported vault cipher 'AES128'/);
    assert.throws(() => decryptVaultString('not vault at all', PASSWORD), /not vault data/);
    assert.throws(() => decryptVaultString(v11, ''), /empty vault password/);
  });

  void test('isVaultText tells vault data from plain text', () => {
    assert.equal(isVaultText('ansible_password: plain'), false);
    assert.equal(isVaultText('$ANSIBLE_VAULT'), false);
    assert.equal(isVaultText('$ANSIBLE_VAULT;1.1;AES256\n00'), true);
  });

  void test('password file errors name the file, never its content', async () => {
    const empty = path.join(dir, 'empty-pass');
    await writeFile(empty, '\n\n');
    await assert.rejects(readVaultPasswordFile(empty), /empty-pass gives an empty password/);
    await assert.rejects(readVaultPasswordFile(path.join(dir, 'missing')), /cannot read vault password file .*missing: ENOENT/);
    const failing = path.join(dir, 'failing-script');
    await writeFile(failing, `#!/bin/sh\necho leaked-password\nexit 3\n`);
    await chmod(failing, 0o700);
    await assert.rejects(readVaultPasswordFile(failing), (err: unknown) => {
      assert.ok(err instanceof VaultError);
      assert.match(err.message, /failing-script failed \(exit status 3\)/);
      assertNoSecrets(err, 'leaked-password');
      return true;
    });
  });
});
