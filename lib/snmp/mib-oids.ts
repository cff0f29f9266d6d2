// The MIB objects Vigil reads, by their numeric OIDs (net-snmp's form: no leading dot). Tables are
// named by their entry OID: a column is `${entry}.${column}`, a cell `${entry}.${column}.${index}`.

// SNMPv2-MIB system group (RFC 3418).
export const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
export const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
export const SYS_NAME = '1.3.6.1.2.1.1.5.0';
export const SYSTEM_SCALARS = [SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME] as const;

// HOST-RESOURCES-MIB (RFC 2790).
export const HR_DEVICE_ENTRY = '1.3.6.1.2.1.25.3.2.1';
export const HR_DEVICE_COLUMN = { type: 2, descr: 3, status: 5 } as const;
export const HR_DEVICE_TYPE_PRINTER = '1.3.6.1.2.1.25.3.1.5';
export const HR_PRINTER_ENTRY = '1.3.6.1.2.1.25.3.5.1';
export const HR_PRINTER_COLUMN = { status: 1, detectedErrorState: 2 } as const;

// Printer-MIB v2 (RFC 3805).
export const PRT_MARKER_ENTRY = '1.3.6.1.2.1.43.10.2.1';
export const PRT_MARKER_COLUMN = { counterUnit: 3, lifeCount: 4 } as const;
export const PRT_SUPPLIES_ENTRY = '1.3.6.1.2.1.43.11.1.1';
export const PRT_SUPPLIES_COLUMN = { colorantIndex: 3, class: 4, type: 5, description: 6, unit: 7, maxCapacity: 8, level: 9 } as const;
export const PRT_COLORANT_ENTRY = '1.3.6.1.2.1.43.12.1.1';
export const PRT_COLORANT_COLUMN = { value: 4 } as const;
export const PRT_ALERT_ENTRY = '1.3.6.1.2.1.43.18.1.1';
export const PRT_ALERT_COLUMN = { severity: 2, group: 4, groupIndex: 5, location: 6, code: 7, description: 8 } as const;

// IF-MIB (RFC 2863).
export const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
export const IF_COLUMN = { descr: 2, type: 3, speed: 5, operStatus: 8, inOctets: 10, inDiscards: 13, inErrors: 14, outOctets: 16, outDiscards: 19, outErrors: 20 } as const;
export const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1';
export const IFX_COLUMN = { name: 1, hcInOctets: 6, hcOutOctets: 10, highSpeed: 15, alias: 18 } as const;

/** The column OIDs of `entry` for every column number in `columns`. */
export function columnOids(entry: string, columns: Record<string, number>): string[] {
  return Object.values(columns).map((column) => `${entry}.${column}`);
}
