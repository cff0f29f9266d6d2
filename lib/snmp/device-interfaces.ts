// The device profile's interfaces: IF-MIB ifTable joined with ifXTable by ifIndex. The 64-bit
// (HC) octet counters of ifXTable win where the agent has them: a 32-bit counter wraps in 34 s
// at 1 Gb/s, quicker than most poll intervals.
import { IF_COLUMN, IFX_COLUMN } from './mib-oids.ts';
import type { SnmpRow } from './snmp-table.ts';
import { compareOids } from './snmp-table.ts';
import { readInteger, readText, readUnsigned } from './snmp-varbind.ts';

/** ifOperStatus. */
export type InterfaceOperStatus = 'up' | 'down' | 'testing' | 'unknown' | 'dormant' | 'notPresent' | 'lowerLayerDown';

export interface DeviceInterface {
  /** Not named `index`, so that alert rules label an interface by its name. */
  ifIndex: string;
  /** ifName, else ifDescr, else the index. */
  name: string;
  description: string | null;
  alias: string | null;
  /** IANAifType number (6 ethernetCsmacd, 24 softwareLoopback…). */
  type: number | null;
  operStatus: InterfaceOperStatus;
  speedBitsPerSec: number | null;
  /** 64 when the octet counters are ifXTable's HC counters, else 32. */
  counterBits: 32 | 64;
  inOctets: number | null;
  outOctets: number | null;
  inErrors: number | null;
  outErrors: number | null;
  inDiscards: number | null;
  outDiscards: number | null;
}

const OPER_STATUSES: Record<number, InterfaceOperStatus> = {
  1: 'up', 2: 'down', 3: 'testing', 4: 'unknown', 5: 'dormant', 6: 'notPresent', 7: 'lowerLayerDown',
};

// ifSpeed saturates at this value; ifHighSpeed (Mb/s) then holds the real speed.
const IF_SPEED_SATURATED = 4_294_967_295;

export function deviceInterfaces(ifRows: Map<string, SnmpRow>, ifxRows: Map<string, SnmpRow>): DeviceInterface[] {
  const indexes = [...new Set([...ifRows.keys(), ...ifxRows.keys()])].sort(compareOids);
  const interfaces: DeviceInterface[] = [];
  for (const index of indexes) {
    const row = ifRows.get(index) ?? new Map();
    const xRow = ifxRows.get(index) ?? new Map();
    const hcIn = readUnsigned(xRow.get(IFX_COLUMN.hcInOctets));
    const hcOut = readUnsigned(xRow.get(IFX_COLUMN.hcOutOctets));
    const hc = hcIn !== null && hcOut !== null;
    const description = readText(row.get(IF_COLUMN.descr)) || null;
    const operStatus = readInteger(row.get(IF_COLUMN.operStatus));
    interfaces.push({
      ifIndex: index,
      name: readText(xRow.get(IFX_COLUMN.name)) || description || index,
      description,
      alias: readText(xRow.get(IFX_COLUMN.alias)) || null,
      type: readInteger(row.get(IF_COLUMN.type)),
      operStatus: (operStatus !== null && OPER_STATUSES[operStatus]) || 'unknown',
      speedBitsPerSec: interfaceSpeed(readUnsigned(row.get(IF_COLUMN.speed)), readUnsigned(xRow.get(IFX_COLUMN.highSpeed))),
      counterBits: hc ? 64 : 32,
      inOctets: hc ? hcIn : readUnsigned(row.get(IF_COLUMN.inOctets)),
      outOctets: hc ? hcOut : readUnsigned(row.get(IF_COLUMN.outOctets)),
      inErrors: readUnsigned(row.get(IF_COLUMN.inErrors)),
      outErrors: readUnsigned(row.get(IF_COLUMN.outErrors)),
      inDiscards: readUnsigned(row.get(IF_COLUMN.inDiscards)),
      outDiscards: readUnsigned(row.get(IF_COLUMN.outDiscards)),
    });
  }
  return interfaces;
}

function interfaceSpeed(ifSpeed: number | null, highSpeedMbps: number | null): number | null {
  if (highSpeedMbps !== null && highSpeedMbps > 0 && (ifSpeed === null || ifSpeed >= IF_SPEED_SATURATED)) return highSpeedMbps * 1_000_000;
  // 0 is what agents answer for interfaces with no fixed speed (loopback, tunnels).
  return ifSpeed !== null && ifSpeed > 0 ? ifSpeed : null;
}
