// One poll of a vSphere target: log in, read the inventory, log out. The result is JSON-safe
// and a failure is a result too, with a stable reason, as for the SSH source.
import { VsphereError } from './vsphere-failure.ts';
import type { VsphereFailureReason } from './vsphere-failure.ts';
import type { VsphereInventory } from './vsphere-inventory.ts';
import { VsphereSession } from './vsphere-session.ts';
import type { VsphereTarget } from './vsphere-target.ts';

export const DEFAULT_VSPHERE_TIMEOUT_MS = 15_000;

export type VspherePollResult =
  | { ok: true; host: string; about: string; inventory: VsphereInventory }
  | { ok: false; host: string; reason: VsphereFailureReason; message: string };

export interface PollVsphereOptions {
  /** Deadline of each call to the server (default 15 s). */
  timeoutMs?: number;
}

export async function pollVsphere(target: VsphereTarget, options: PollVsphereOptions = {}): Promise<VspherePollResult> {
  let session: VsphereSession | null = null;
  try {
    session = await VsphereSession.open(
      { url: target.url, tls: target.tls, timeoutMs: options.timeoutMs ?? DEFAULT_VSPHERE_TIMEOUT_MS },
      { user: target.user, password: target.password },
    );
    const inventory = await session.inventory();
    return { ok: true, host: target.name, about: session.serviceContent.about.fullName, inventory };
  } catch (error) {
    if (error instanceof VsphereError) return { ok: false, host: target.name, reason: error.reason, message: error.message };
    throw error;
  } finally {
    await session?.close();
  }
}
