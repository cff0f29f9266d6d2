// Host key checking, kept in one place so that known_hosts support can replace it.
// For now: trust on first use within this process, refuse a different key afterwards.

/** Returns whether `key` (the raw public key blob) is acceptable for `hostId` ("[address]:port"). */
export type HostKeyVerifier = (hostId: string, key: Buffer) => boolean;

export function createHostKeyPins(): HostKeyVerifier {
  const pinned = new Map<string, string>();
  return (hostId, key) => {
    const seen = key.toString('base64');
    const pin = pinned.get(hostId);
    if (pin === undefined) {
      pinned.set(hostId, seen);
      return true;
    }
    return pin === seen;
  };
}
