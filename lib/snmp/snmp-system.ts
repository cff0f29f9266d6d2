// SNMPv2-MIB's system group: what the agent says it is and how long it has been up.
import { SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, SYS_UPTIME } from './mib-oids.ts';
import type { SnmpVarbind } from './snmp-varbind.ts';
import { readOid, readText, readUnsigned } from './snmp-varbind.ts';

export interface SnmpSystem {
  /** sysDescr: model and firmware, as the vendor words them. */
  description: string | null;
  /** sysObjectID: the vendor's model OID. */
  objectId: string | null;
  /** sysName. */
  name: string | null;
  /** sysUpTime in seconds: since the agent (re)started, which is the device's boot on a printer. */
  uptimeSec: number | null;
}

export function snmpSystem(varbinds: Iterable<SnmpVarbind>): SnmpSystem {
  const byOid = new Map<string, SnmpVarbind>();
  for (const varbind of varbinds) byOid.set(varbind.oid.replace(/^\./, ''), varbind);
  const ticks = readUnsigned(byOid.get(SYS_UPTIME));
  return {
    description: readText(byOid.get(SYS_DESCR)) || null,
    objectId: readOid(byOid.get(SYS_OBJECT_ID)),
    name: readText(byOid.get(SYS_NAME)) || null,
    // TimeTicks are hundredths of a second.
    uptimeSec: ticks === null ? null : ticks / 100,
  };
}
