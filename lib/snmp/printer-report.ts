// The printer profile: everything an operator asks of a network printer, mapped from the
// Printer-MIB and HOST-RESOURCES-MIB tables one poll walked. Pure; see poll-snmp.ts for the walk.
import {
  HR_DEVICE_COLUMN, HR_DEVICE_TYPE_PRINTER, HR_PRINTER_COLUMN, PRT_MARKER_COLUMN,
} from './mib-oids.ts';
import type { PrinterAlert } from './printer-alerts.ts';
import { printerAlerts } from './printer-alerts.ts';
import type { PrinterErrorCondition } from './printer-detected-errors.ts';
import { printerDetectedErrors } from './printer-detected-errors.ts';
import type { PrinterError } from './printer-errors.ts';
import { printerErrors } from './printer-errors.ts';
import type { PrinterSupply } from './printer-supplies.ts';
import { printerSupplies } from './printer-supplies.ts';
import type { SnmpSystem } from './snmp-system.ts';
import type { SnmpRow } from './snmp-table.ts';
import { readBytes, readInteger, readOid, readUnsigned } from './snmp-varbind.ts';

/** hrPrinterStatus. */
export type PrinterStatus = 'other' | 'unknown' | 'idle' | 'printing' | 'warmup';
/** hrDeviceStatus. */
export type DeviceStatus = 'unknown' | 'running' | 'warning' | 'testing' | 'down';

export interface PrinterReport {
  profile: 'printer';
  system: SnmpSystem;
  /** null when the agent has no hrPrinterTable row (or sends a value outside the MIB). */
  printerStatus: PrinterStatus | null;
  deviceStatus: DeviceStatus | null;
  detectedErrors: PrinterErrorCondition[];
  supplies: PrinterSupply[];
  /** prtMarkerLifeCount summed over the printer's markers (pages or impressions since manufacture). */
  pageCount: number | null;
  alerts: PrinterAlert[];
  /** Every error condition of printer-errors.ts with 0 or 1: what the rule printer_error reads. */
  errors: PrinterError[];
  /** From this poll's page count and the previous one's: set by the worker, which keeps the previous; absent from one poll alone. */
  pagesPerDay?: number | null;
}

/** The walked tables, as tableRows() groups them. */
export interface PrinterTables {
  devices: Map<string, SnmpRow>;
  printers: Map<string, SnmpRow>;
  markers: Map<string, SnmpRow>;
  supplies: Map<string, SnmpRow>;
  colorants: Map<string, SnmpRow>;
  alerts: Map<string, SnmpRow>;
}

const PRINTER_STATUSES: Record<number, PrinterStatus> = { 1: 'other', 2: 'unknown', 3: 'idle', 4: 'printing', 5: 'warmup' };
const DEVICE_STATUSES: Record<number, DeviceStatus> = { 1: 'unknown', 2: 'running', 3: 'warning', 4: 'testing', 5: 'down' };

export function printerReport(system: SnmpSystem, tables: PrinterTables): PrinterReport {
  const device = printerDeviceIndex(tables);
  const printerRow = device === null ? undefined : tables.printers.get(device);
  const deviceRow = device === null ? undefined : tables.devices.get(device);
  const printerStatus = readInteger(printerRow?.get(HR_PRINTER_COLUMN.status));
  const deviceStatus = readInteger(deviceRow?.get(HR_DEVICE_COLUMN.status));
  const status = {
    printerStatus: (printerStatus !== null && PRINTER_STATUSES[printerStatus]) || null,
    deviceStatus: (deviceStatus !== null && DEVICE_STATUSES[deviceStatus]) || null,
    detectedErrors: printerDetectedErrors(readBytes(printerRow?.get(HR_PRINTER_COLUMN.detectedErrorState))),
    alerts: printerAlerts(tables.alerts),
  };
  return {
    profile: 'printer',
    system,
    printerStatus: status.printerStatus,
    deviceStatus: status.deviceStatus,
    detectedErrors: status.detectedErrors,
    supplies: printerSupplies(tables.supplies, tables.colorants),
    pageCount: pageCount(tables.markers),
    alerts: status.alerts,
    errors: printerErrors(status),
  };
}

// The hrDeviceIndex of the printer: hrDeviceTable's printer row that hrPrinterTable also has (a
// print server may list other devices first), else the first hrPrinterTable row, else a printer
// row of hrDeviceTable alone.
function printerDeviceIndex(tables: PrinterTables): string | null {
  const printerDevices = [...tables.devices]
    .filter(([, row]) => readOid(row.get(HR_DEVICE_COLUMN.type)) === HR_DEVICE_TYPE_PRINTER)
    .map(([index]) => index);
  return printerDevices.find((index) => tables.printers.has(index)) ?? tables.printers.keys().next().value ?? printerDevices[0] ?? null;
}

function pageCount(markers: Map<string, SnmpRow>): number | null {
  let total: number | null = null;
  for (const row of markers.values()) {
    const count = readUnsigned(row.get(PRT_MARKER_COLUMN.lifeCount));
    if (count !== null) total = (total ?? 0) + count;
  }
  return total;
}
