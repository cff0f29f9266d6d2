// The device profile: what switches, UPSes and other SNMP gear share, IF-MIB interfaces and uptime.
import { deviceInterfaces } from './device-interfaces.ts';
import type { DeviceInterface } from './device-interfaces.ts';
import type { SnmpSystem } from './snmp-system.ts';
import type { SnmpRow } from './snmp-table.ts';

export interface DeviceReport {
  profile: 'device';
  system: SnmpSystem;
  interfaces: DeviceInterface[];
}

export function deviceReport(system: SnmpSystem, ifRows: Map<string, SnmpRow>, ifxRows: Map<string, SnmpRow>): DeviceReport {
  return { profile: 'device', system, interfaces: deviceInterfaces(ifRows, ifxRows) };
}
