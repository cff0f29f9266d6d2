// Per-interface traffic, errors and discards per second from two polls of the device profile.
import { agentRestarted, counterRate } from './counter-delta.ts';
import type { DeviceInterface } from './device-interfaces.ts';
import type { SnmpSystem } from './snmp-system.ts';

export interface InterfacesReading {
  system: SnmpSystem;
  interfaces: DeviceInterface[];
  /** When the poll ran, in milliseconds since the epoch. */
  polledAt: number;
}

export interface InterfaceRates {
  ifIndex: string;
  name: string;
  inBitsPerSec: number | null;
  outBitsPerSec: number | null;
  inErrorsPerSec: number | null;
  outErrorsPerSec: number | null;
  inDiscardsPerSec: number | null;
  outDiscardsPerSec: number | null;
}

/** Rates of every interface of `current`; an interface new since `previous` gets nulls. */
export function interfaceRates(previous: InterfacesReading, current: InterfacesReading): InterfaceRates[] {
  const elapsedSec = (current.polledAt - previous.polledAt) / 1000;
  // sysUpTime wraps after 497 days too; that costs one poll's rates, a reset read as a wrap would cost a spike.
  const restarted = agentRestarted(previous.system.uptimeSec, current.system.uptimeSec);
  const before = new Map(previous.interfaces.map((item) => [item.ifIndex, item]));
  return current.interfaces.map((now) => {
    const then = before.get(now.ifIndex);
    // A switch from 32- to 64-bit counters (an agent upgrade) makes the two readings incomparable.
    const octetBits = then !== undefined && then.counterBits === now.counterBits ? now.counterBits : null;
    const rate = (pick: (item: DeviceInterface) => number | null, bits: 32 | 64 | null): number | null =>
      then === undefined || bits === null ? null : counterRate(pick(then), pick(now), elapsedSec, bits, restarted);
    const bitsPerSec = (octetsPerSec: number | null): number | null => (octetsPerSec === null ? null : octetsPerSec * 8);
    return {
      ifIndex: now.ifIndex,
      name: now.name,
      inBitsPerSec: bitsPerSec(rate((item) => item.inOctets, octetBits)),
      outBitsPerSec: bitsPerSec(rate((item) => item.outOctets, octetBits)),
      // ifInErrors and friends are Counter32 everywhere.
      inErrorsPerSec: rate((item) => item.inErrors, 32),
      outErrorsPerSec: rate((item) => item.outErrors, 32),
      inDiscardsPerSec: rate((item) => item.inDiscards, 32),
      outDiscardsPerSec: rate((item) => item.outDiscards, 32),
    };
  });
}
