// A short-lived self-signed certificate for localhost and 127.0.0.1, made by openssl for the tests
// of HTTPS checks (its expiry is what certificate checks read).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSignedCertificate {
  cert: Buffer;
  key: Buffer;
}

/** Written into `dir` (key.pem, cert.pem), valid for `days` from now. */
export async function selfSignedCertificate(dir: string, days: number): Promise<SelfSignedCertificate> {
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', String(days),
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ]);
  return { cert: await readFile(join(dir, 'cert.pem')), key: await readFile(join(dir, 'key.pem')) };
}
