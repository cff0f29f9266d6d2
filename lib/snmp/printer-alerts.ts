// Printer-MIB prtAlertTable: the printer's own list of what is wrong now (jams, open covers, low
// toner), as the printer words it in prtAlertDescription and as codes a rule can match.
import { PRT_ALERT_COLUMN } from './mib-oids.ts';
import type { SnmpRow } from './snmp-table.ts';
import { readInteger, readText } from './snmp-varbind.ts';

export type PrinterAlertSeverity = 'critical' | 'warning' | 'warning-binary-change' | 'other';

export interface PrinterAlert {
  /** hrDeviceIndex.prtAlertIndex. */
  rowIndex: string;
  severity: PrinterAlertSeverity;
  /** PrtAlertGroupTC name of the subunit: input, output, marker, markerSupplies, cover… */
  group: string;
  /** Which subunit of the group (e.g. the tray), when the printer says. */
  groupIndex: number | null;
  /** PrtAlertCodeTC name: jam, coverOpen, markerTonerAlmostEmpty… */
  code: string;
  description: string;
}

// PrtAlertSeverityLevelTC.
const SEVERITIES: Record<number, PrinterAlertSeverity> = { 1: 'other', 3: 'critical', 4: 'warning', 5: 'warning-binary-change' };

// PrtAlertGroupTC.
const GROUPS: Record<number, string> = {
  1: 'other', 2: 'unknown', 3: 'hostResourcesMIBStorageTable', 4: 'hostResourcesMIBDeviceTable', 5: 'generalPrinter',
  6: 'cover', 7: 'localization', 8: 'input', 9: 'output', 10: 'marker', 11: 'markerSupplies', 12: 'markerColorant',
  13: 'mediaPath', 14: 'channel', 15: 'interpreter', 16: 'consoleDisplayBuffer', 17: 'consoleLights', 18: 'alert',
  30: 'finDevice', 31: 'finSupply', 32: 'finSupplyMediaInput', 33: 'finAttributeTable',
};

// PrtAlertCodeTC.
const CODES: Record<number, string> = {
  1: 'other', 2: 'unknown', 3: 'coverOpen', 4: 'coverClosed', 5: 'interlockOpen', 6: 'interlockClosed',
  7: 'configurationChange', 8: 'jam', 9: 'subunitMissing', 10: 'subunitLifeAlmostOver', 11: 'subunitLifeOver',
  12: 'subunitAlmostEmpty', 13: 'subunitEmpty', 14: 'subunitAlmostFull', 15: 'subunitFull', 16: 'subunitNearLimit',
  17: 'subunitAtLimit', 18: 'subunitOpened', 19: 'subunitClosed', 20: 'subunitTurnedOn', 21: 'subunitTurnedOff',
  22: 'subunitOffline', 23: 'subunitPowerSaver', 24: 'subunitWarmingUp', 25: 'subunitAdded', 26: 'subunitRemoved',
  27: 'subunitResourceAdded', 28: 'subunitResourceRemoved', 29: 'subunitRecoverableFailure',
  30: 'subunitUnrecoverableFailure', 31: 'subunitRecoverableStorageError', 32: 'subunitUnrecoverableStorageError',
  33: 'subunitMotorFailure', 34: 'subunitMemoryExhausted', 35: 'subunitUnderTemperature', 36: 'subunitOverTemperature',
  37: 'subunitTimingFailure', 38: 'subunitThermistorFailure',
  501: 'doorOpen', 502: 'doorClosed', 503: 'powerUp', 504: 'powerDown', 505: 'printerNMSReset', 506: 'printerManualReset',
  507: 'printerReadyToPrint',
  801: 'inputMediaTrayMissing', 802: 'inputMediaSizeChange', 803: 'inputMediaWeightChange', 804: 'inputMediaTypeChange',
  805: 'inputMediaColorChange', 806: 'inputMediaFormPartsChange', 807: 'inputMediaSupplyLow', 808: 'inputMediaSupplyEmpty',
  809: 'inputMediaChangeRequest', 810: 'inputManualInputRequest', 811: 'inputTrayPositionFailure',
  812: 'inputTrayElevationFailure', 813: 'inputCannotFeedSizeSelected',
  901: 'outputMediaTrayMissing', 902: 'outputMediaTrayAlmostFull', 903: 'outputMediaTrayFull', 904: 'outputMailboxSelectFailure',
  1001: 'markerFuserUnderTemperature', 1002: 'markerFuserOverTemperature', 1003: 'markerFuserTimingFailure',
  1004: 'markerFuserThermistorFailure', 1005: 'markerAdjustingPrintQuality',
  1101: 'markerTonerEmpty', 1102: 'markerInkEmpty', 1103: 'markerPrintRibbonEmpty', 1104: 'markerTonerAlmostEmpty',
  1105: 'markerInkAlmostEmpty', 1106: 'markerPrintRibbonAlmostEmpty', 1107: 'markerWasteTonerReceptacleAlmostFull',
  1108: 'markerWasteInkReceptacleAlmostFull', 1109: 'markerWasteTonerReceptacleFull', 1110: 'markerWasteInkReceptacleFull',
  1111: 'markerOpcLifeAlmostOver', 1112: 'markerOpcLifeOver', 1113: 'markerDeveloperAlmostEmpty', 1114: 'markerDeveloperEmpty',
  1115: 'markerTonerCartridgeMissing',
  1301: 'mediaPathMediaTrayMissing', 1302: 'mediaPathMediaTrayAlmostFull', 1303: 'mediaPathMediaTrayFull',
  1304: 'mediaPathCannotDuplexMediaSelected',
  1501: 'interpreterMemoryIncrease', 1502: 'interpreterMemoryDecrease', 1503: 'interpreterCartridgeAdded',
  1504: 'interpreterCartridgeDeleted', 1505: 'interpreterResourceAdded', 1506: 'interpreterResourceDeleted',
  1507: 'interpreterResourceUnavailable', 1509: 'interpreterComplexPageEncountered',
  1801: 'alertRemovalOfBinaryChangeEntry',
};

export function printerAlerts(rows: Map<string, SnmpRow>): PrinterAlert[] {
  const alerts: PrinterAlert[] = [];
  for (const [index, row] of rows) {
    const severity = readInteger(row.get(PRT_ALERT_COLUMN.severity));
    const code = enumName(CODES, readInteger(row.get(PRT_ALERT_COLUMN.code)));
    const groupIndex = readInteger(row.get(PRT_ALERT_COLUMN.groupIndex));
    alerts.push({
      rowIndex: index,
      severity: (severity !== null && SEVERITIES[severity]) || 'other',
      group: enumName(GROUPS, readInteger(row.get(PRT_ALERT_COLUMN.group))),
      // -1 is the MIB's "no particular subunit".
      groupIndex: groupIndex !== null && groupIndex >= 0 ? groupIndex : null,
      code,
      description: readText(row.get(PRT_ALERT_COLUMN.description)) || code,
    });
  }
  return alerts;
}

function enumName(names: Record<number, string>, value: number | null): string {
  if (value === null) return 'unknown';
  return names[value] ?? `unknown(${value})`;
}
