// What counts as a printer error, for the default rule printer_error. RFC 3805 §2.2.13.2 reads
// hrPrinterStatus, hrDeviceStatus and hrPrinterDetectedErrorState together: a printer that is
// idle, printing or warming up with hrDeviceStatus "warning" has only a non-critical condition
// (low toner, low paper), which supply_low and the alert table already tell; "down", or a status
// other than idle/printing/warmup, means it cannot print. So an error is:
//   - printer-status: hrPrinterStatus is other or unknown (what printers report while jammed,
//     offline or in an error state);
//   - device-down: hrDeviceStatus is down;
//   - each detected-error bit that stops printing or needs a person now (no paper, no toner, door
//     open, jam, offline, service requested, a missing tray or supply, output full, input empty),
//     but not the "low"/"near"/"overdue" warnings;
//   - critical-alert: the printer's own alert table holds a critical alert.
// Every item is listed with 0 or 1 on every poll, so that an error that clears resolves its alert
// (an item missing from a list would resolve too, but an empty list would resolve nothing).
import type { PrinterAlert } from './printer-alerts.ts';
import type { PrinterErrorCondition } from './printer-detected-errors.ts';

export const PRINTER_ERROR_FLAGS = [
  'noPaper', 'noToner', 'doorOpen', 'jammed', 'offline', 'serviceRequested', 'inputTrayMissing', 'outputTrayMissing',
  'markerSupplyMissing', 'outputFull', 'inputTrayEmpty',
] as const satisfies readonly PrinterErrorCondition[];

export const PRINTER_ERROR_NAMES = ['printer-status', 'device-down', ...PRINTER_ERROR_FLAGS, 'critical-alert'] as const;
export type PrinterErrorName = (typeof PRINTER_ERROR_NAMES)[number];

export interface PrinterError {
  /** Labels the alert of rule printer_error (one per name and printer). */
  name: PrinterErrorName;
  /** 1 while the error holds, else 0. */
  active: 0 | 1;
}

export interface PrinterErrorInputs {
  printerStatus: string | null;
  deviceStatus: string | null;
  detectedErrors: readonly PrinterErrorCondition[];
  alerts: readonly Pick<PrinterAlert, 'severity'>[];
}

export function printerErrors(report: PrinterErrorInputs): PrinterError[] {
  const flags = new Set<string>(report.detectedErrors);
  const holds = (name: PrinterErrorName): boolean => {
    switch (name) {
      case 'printer-status':
        // null: the agent has no hrPrinterTable row; nothing is known, so nothing is wrong.
        return report.printerStatus === 'other' || report.printerStatus === 'unknown';
      case 'device-down':
        return report.deviceStatus === 'down';
      case 'critical-alert':
        return report.alerts.some((alert) => alert.severity === 'critical');
      default:
        return flags.has(name);
    }
  };
  return PRINTER_ERROR_NAMES.map((name) => ({ name, active: holds(name) ? 1 : 0 }));
}
