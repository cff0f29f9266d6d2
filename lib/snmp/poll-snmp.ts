// One SNMP poll of one target: a session, a GET of the system group, one multi-column GETBULK
// walk of the profile's tables, and the mapping into a report. Never throws: a failed poll is a
// result with a stable reason, as the SSH worker's are. pollSnmp opens and closes a session;
// pollSnmpSession polls over one the caller keeps (the worker's, which saves SNMPv3 discovery).
import { deviceReport } from './device-report.ts';
import type { DeviceReport } from './device-report.ts';
import {
  columnOids, HR_DEVICE_COLUMN, HR_DEVICE_ENTRY, HR_PRINTER_COLUMN, HR_PRINTER_ENTRY, IF_COLUMN, IF_ENTRY, IFX_COLUMN, IFX_ENTRY,
  PRT_ALERT_COLUMN, PRT_ALERT_ENTRY, PRT_COLORANT_COLUMN, PRT_COLORANT_ENTRY, PRT_MARKER_COLUMN, PRT_MARKER_ENTRY,
  PRT_SUPPLIES_COLUMN, PRT_SUPPLIES_ENTRY, SYSTEM_SCALARS,
} from './mib-oids.ts';
import { printerReport } from './printer-report.ts';
import type { PrinterReport } from './printer-report.ts';
import { classifySnmpError } from './snmp-failure.ts';
import type { SnmpFailureReason } from './snmp-failure.ts';
import { openSnmpSession, snmpGet, snmpWalkColumns } from './snmp-session.ts';
import type { OpenSnmpSession } from './snmp-session.ts';
import { snmpSystem } from './snmp-system.ts';
import { tableRows } from './snmp-table.ts';
import type { SnmpTarget } from './snmp-target.ts';

export type SnmpReport = PrinterReport | DeviceReport;

export type SnmpPollResult =
  | { kind: 'report'; polledAt: number; report: SnmpReport }
  | {
      kind: 'failure';
      polledAt: number;
      reason: SnmpFailureReason;
      message: string;
      /** The agent answered this poll's first request (the system GET): a later timeout is a slow walk, not a silent agent. */
      answered: boolean;
    };

export interface SnmpPollOptions {
  /** Milliseconds to wait for each answer (default 2000). */
  timeoutMs?: number;
  /** Resends of an unanswered request (default 1). */
  retries?: number;
  /** Rows per column per GETBULK request (default 10). */
  maxRepetitions?: number;
  /** The clock, in milliseconds since the epoch (tests give their own). */
  now?: () => number;
}

export const DEFAULT_SNMP_TIMEOUT_MS = 2000;
export const DEFAULT_SNMP_RETRIES = 1;
// Seven supply columns × 10 rows is about 3 KB of response: within what printers' agents send,
// and tooBig answers halve it anyway.
export const DEFAULT_SNMP_MAX_REPETITIONS = 10;

const PRINTER_TABLES = {
  devices: [HR_DEVICE_ENTRY, { type: HR_DEVICE_COLUMN.type, status: HR_DEVICE_COLUMN.status }],
  printers: [HR_PRINTER_ENTRY, HR_PRINTER_COLUMN],
  markers: [PRT_MARKER_ENTRY, { lifeCount: PRT_MARKER_COLUMN.lifeCount }],
  supplies: [PRT_SUPPLIES_ENTRY, PRT_SUPPLIES_COLUMN],
  colorants: [PRT_COLORANT_ENTRY, PRT_COLORANT_COLUMN],
  alerts: [PRT_ALERT_ENTRY, PRT_ALERT_COLUMN],
} as const satisfies Record<string, readonly [string, Record<string, number>]>;

const PRINTER_COLUMNS = Object.values(PRINTER_TABLES).flatMap(([entry, columns]) => columnOids(entry, columns));
const DEVICE_COLUMNS = [...columnOids(IF_ENTRY, IF_COLUMN), ...columnOids(IFX_ENTRY, IFX_COLUMN)];

export async function pollSnmp(target: SnmpTarget, options: SnmpPollOptions = {}): Promise<SnmpPollResult> {
  const open = openSnmpSession(target, { timeoutMs: options.timeoutMs ?? DEFAULT_SNMP_TIMEOUT_MS, retries: options.retries ?? DEFAULT_SNMP_RETRIES });
  try {
    return await pollSnmpSession(open, target, options);
  } finally {
    open.session.close();
  }
}

/**
 * One poll over a session the caller opened for `target` (with the same timeout and retries as
 * `options` say, which only the failure message reads here) and closes.
 */
export async function pollSnmpSession(open: OpenSnmpSession, target: SnmpTarget, options: SnmpPollOptions = {}): Promise<SnmpPollResult> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SNMP_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_SNMP_RETRIES;
  const maxRepetitions = options.maxRepetitions ?? DEFAULT_SNMP_MAX_REPETITIONS;
  const polledAt = now();
  const { session, undecodable, engineDiscovered } = open;
  open.clearUndecodable();
  // "Answered discovery but not the encrypted request" points at the privacy key only when the
  // discovery was this poll's: a reused session discovered long ago, and its agent may just be gone.
  const discoveredBefore = engineDiscovered();
  let answered = false;
  try {
    // The system GET first: on SNMPv3 it carries the engine discovery, and an agent that does not
    // answer it fails the poll before any walk starts.
    const system = snmpSystem(await snmpGet(session, SYSTEM_SCALARS));
    answered = true;
    if (target.profile === 'printer') {
      const walked = await snmpWalkColumns(session, PRINTER_COLUMNS, { maxRepetitions });
      const rows = (table: keyof typeof PRINTER_TABLES) => tableRows(PRINTER_TABLES[table][0], walked);
      const report = printerReport(system, {
        devices: rows('devices'),
        printers: rows('printers'),
        markers: rows('markers'),
        supplies: rows('supplies'),
        colorants: rows('colorants'),
        alerts: rows('alerts'),
      });
      return { kind: 'report', polledAt, report };
    }
    const walked = await snmpWalkColumns(session, DEVICE_COLUMNS, { maxRepetitions });
    return { kind: 'report', polledAt, report: deviceReport(system, tableRows(IF_ENTRY, walked), tableRows(IFX_ENTRY, walked)) };
  } catch (error) {
    return {
      kind: 'failure',
      polledAt,
      answered,
      ...classifySnmpError(error, target, { timeoutMs, retries, undecodable: undecodable(), engineDiscovered: !discoveredBefore && engineDiscovered() }),
    };
  }
}
