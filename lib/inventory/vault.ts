// Ansible Vault, format 1.1 and 1.2 with AES256, as ansible-vault writes it: values from
// `encrypt_string` (`!vault |` in YAML) and whole encrypted files. Nothing here ever puts a
// password or a decrypted value in an error message: callers log these errors as they are.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

const HEADER = '$ANSIBLE_VAULT';
const KEY_BYTES = 32;
const IV_BYTES = 16;
const PBKDF2_ITERATIONS = 10_000;
const AES_BLOCK_BYTES = 16;

/** True when the text is a vault envelope (a `!vault` value or a whole encrypted file). */
export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith(`${HEADER};`);
}

/** Decrypts a vault envelope to the UTF-8 text that was encrypted. */
export function decryptVaultString(text: string, password: string): string {
  return decryptVaultBytes(text, password).toString('utf8');
}

export function decryptVaultBytes(text: string, password: string): Buffer {
  const lines = text
    .trim()
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim());
  const header = (lines[0] ?? '').split(';').map((field) => field.trim());
  if (header[0] !== HEADER) throw new VaultError(`not vault data: the first line must start with '${HEADER};'`);
  const version = header[1] ?? '';
  const cipher = header[2] ?? '';
  if (version !== '1.1' && version !== '1.2') {
    throw new VaultError(`unsupported vault format version '${version}' (supported: 1.1, 1.2)`);
  }
  if (cipher !== 'AES256') throw new VaultError(`unsupported vault cipher '${cipher}' (supported: AES256)`);
  if (version === '1.2' && !header[3]) throw new VaultError('vault format 1.2 header has no vault id');
  if (password === '') throw new VaultError('empty vault password');

  const outer = unhexlify(lines.slice(1).join(''), 'vault payload').toString('ascii');
  const parts = outer.split('\n');
  if (parts.length !== 3) throw new VaultError('corrupted vault data: expected salt, HMAC and ciphertext');
  const salt = unhexlify(parts[0] as string, 'vault salt');
  const expectedHmac = unhexlify(parts[1] as string, 'vault HMAC');
  const ciphertext = unhexlify(parts[2] as string, 'vault ciphertext');
  if (salt.length === 0 || ciphertext.length === 0 || ciphertext.length % AES_BLOCK_BYTES !== 0) {
    throw new VaultError('corrupted vault data: bad salt or ciphertext length');
  }

  const derived = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, PBKDF2_ITERATIONS, 2 * KEY_BYTES + IV_BYTES, 'sha256');
  const cipherKey = derived.subarray(0, KEY_BYTES);
  const hmacKey = derived.subarray(KEY_BYTES, 2 * KEY_BYTES);
  const iv = derived.subarray(2 * KEY_BYTES);

  const actualHmac = createHmac('sha256', hmacKey).update(ciphertext).digest();
  // Checked before decrypting, in constant time, as Ansible does: a mismatch reveals nothing.
  if (expectedHmac.length !== actualHmac.length || !timingSafeEqual(expectedHmac, actualHmac)) {
    throw new VaultError('wrong vault password or corrupted data (HMAC mismatch)');
  }

  const decipher = createDecipheriv('aes-256-ctr', cipherKey, iv);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  return unpadPkcs7(padded);
}

function unhexlify(hex: string, what: string): Buffer {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new VaultError(`corrupted vault data: ${what} is not valid hexadecimal`);
  }
  return Buffer.from(hex, 'hex');
}

function unpadPkcs7(padded: Buffer): Buffer {
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > AES_BLOCK_BYTES || pad > padded.length) throw new VaultError('corrupted vault data: bad padding');
  for (let i = padded.length - pad; i < padded.length; i++) {
    if (padded[i] !== pad) throw new VaultError('corrupted vault data: bad padding');
  }
  return padded.subarray(0, padded.length - pad);
}

/**
 * The vault password from a file, as Ansible reads `--vault-password-file`: surrounding
 * whitespace and line breaks removed; an executable file is a script whose stdout is the
 * password (only its line breaks at either end removed).
 */
export async function readVaultPasswordFile(path: string): Promise<string> {
  const executable = await access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
  let password: string;
  if (executable) {
    password = (await runPasswordScript(path)).replace(/^[\r\n]+|[\r\n]+$/g, '');
  } else {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new VaultError(`cannot read vault password file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    password = text.trim().replace(/^[\r\n]+|[\r\n]+$/g, '');
  }
  if (password === '') throw new VaultError(`vault password file ${path} gives an empty password`);
  return password;
}

function runPasswordScript(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // stdin and stderr stay the terminal's, as with Ansible, so that a script may prompt.
    const child = spawn(path, [], { stdio: ['inherit', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(new VaultError(`cannot run vault password script ${path}: ${err.code ?? 'error'}`));
    });
    child.on('close', (code, signal) => {
      // Its output may hold the password: an error names the script and how it ended, only.
      if (code !== 0) {
        reject(new VaultError(`vault password script ${path} failed (${code === null ? `signal ${signal}` : `exit status ${code}`})`));
        return;
      }
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
