// Random secrets (session ids, CSRF tokens, API tokens, generated passwords) and how they are
// stored: only a sha256 of a session id or token reaches the database, so a leaked copy of it
// lets nobody in. sha256 suffices here, unlike for passwords: these secrets are 256 random bits.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API token starts with this, so that secret scanners and people can recognise one. */
export const API_TOKEN_PREFIX = 'vigil_';

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomSecret(32);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Compares two secrets in time that does not depend on where they differ. */
export function secretsEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}

/** A password for a generated account: 20 characters from an alphabet without look-alikes. */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  // 256 is not a multiple of the alphabet's size; rejecting the tail keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}
