// Printer-MIB prtMarkerSuppliesTable: every toner, ink, drum and waste box as % of its capacity.
// Levels and capacities carry special values (RFC 3805): -1 "other" (no restriction), -2 unknown,
// -3 "some remaining" (the printer knows only that it is not empty). None of them is a percentage.
import { PRT_COLORANT_COLUMN, PRT_SUPPLIES_COLUMN } from './mib-oids.ts';
import type { SnmpRow } from './snmp-table.ts';
import { readInteger, readText } from './snmp-varbind.ts';

/** How much of a supply is known. */
export type SupplyLevelState = 'measured' | 'some-remaining' | 'unknown' | 'unrestricted';

/** consumed: toner, ink, drums (full is good); filled: waste receptacles (full is bad). */
export type SupplyClass = 'consumed' | 'filled' | 'other';

export interface PrinterSupply {
  /** The row's index: hrDeviceIndex.prtMarkerSuppliesIndex. Not named `index`, so that alert rules label a supply by its name. */
  rowIndex: string;
  /** prtMarkerSuppliesDescription ("Black Toner Cartridge 26A"), else the type. */
  name: string;
  /** PrtMarkerSuppliesTypeTC name: toner, tonerCartridge, wasteToner, ink, opc… */
  type: string;
  class: SupplyClass;
  /** PrtMarkerSuppliesSupplyUnitTC name: percent, impressions, sheets, tenthsOfGrams… */
  unit: string;
  /** In `unit`; null when the printer does not say (-1, -2) or sends nonsense. */
  maxCapacity: number | null;
  /** In `unit`; null unless levelState is measured. */
  level: number | null;
  levelState: SupplyLevelState;
  /** level / maxCapacity, 0..100; null when either is not a measured positive amount. */
  levelPct: number | null;
  /** What is left before the supply needs a person: levelPct of a consumed supply, the room left (100 - levelPct) in a waste receptacle. */
  remainingPct: number | null;
  /** The colorant's name (prtMarkerColorantValue: black, cyan…) when the supply has one. */
  colorant: string | null;
}

const SUPPLY_TYPES: Record<number, string> = {
  1: 'other', 2: 'unknown', 3: 'toner', 4: 'wasteToner', 5: 'ink', 6: 'inkCartridge', 7: 'inkRibbon', 8: 'wasteInk',
  9: 'opc', 10: 'developer', 11: 'fuserOil', 12: 'solidWax', 13: 'ribbonWax', 14: 'wasteWax', 15: 'fuser',
  16: 'coronaWire', 17: 'fuserOilWick', 18: 'cleanerUnit', 19: 'fuserCleaningPad', 20: 'transferUnit',
  21: 'tonerCartridge', 22: 'fuserOiler', 23: 'water', 24: 'wasteWater', 25: 'glueWaterAdditive', 26: 'wastePaper',
  27: 'bindingSupply', 28: 'bandingSupply', 29: 'stitchingWire', 30: 'shrinkWrap', 31: 'paperWrap', 32: 'staples',
  33: 'inserts', 34: 'covers', 35: 'matteToner', 36: 'matteInk',
};

const SUPPLY_UNITS: Record<number, string> = {
  1: 'other', 2: 'unknown', 3: 'tenThousandthsOfInches', 4: 'micrometers', 7: 'impressions', 8: 'sheets', 11: 'hours',
  12: 'thousandthsOfOunces', 13: 'tenthsOfGrams', 14: 'hundrethsOfFluidOunces', 15: 'tenthsOfMilliliters', 16: 'feet',
  17: 'meters', 18: 'items', 19: 'percent',
};

const SUPPLY_CLASSES: Record<number, SupplyClass> = { 1: 'other', 3: 'consumed', 4: 'filled' };

/** The supplies of prtMarkerSuppliesTable rows; `colorants` are prtMarkerColorantTable rows, by index. */
export function printerSupplies(rows: Map<string, SnmpRow>, colorants: Map<string, SnmpRow> = new Map()): PrinterSupply[] {
  const supplies: PrinterSupply[] = [];
  for (const [index, row] of rows) {
    const typeNumber = readInteger(row.get(PRT_SUPPLIES_COLUMN.type));
    const unitNumber = readInteger(row.get(PRT_SUPPLIES_COLUMN.unit));
    const classNumber = readInteger(row.get(PRT_SUPPLIES_COLUMN.class));
    const type = enumName(SUPPLY_TYPES, typeNumber);
    const supplyClass = (classNumber !== null && SUPPLY_CLASSES[classNumber]) || 'other';
    const name = readText(row.get(PRT_SUPPLIES_COLUMN.description)) || type;
    const rawMax = readInteger(row.get(PRT_SUPPLIES_COLUMN.maxCapacity));
    const rawLevel = readInteger(row.get(PRT_SUPPLIES_COLUMN.level));
    const maxCapacity = rawMax !== null && rawMax > 0 ? rawMax : null;
    const levelState = supplyLevelState(rawLevel);
    const level = levelState === 'measured' ? rawLevel : null;
    const levelPct = level !== null && maxCapacity !== null ? clampPct((level / maxCapacity) * 100) : null;
    const remainingPct = levelPct === null ? null : supplyClass === 'filled' ? round(100 - levelPct) : levelPct;
    supplies.push({
      rowIndex: index,
      name,
      type,
      class: supplyClass,
      unit: enumName(SUPPLY_UNITS, unitNumber),
      maxCapacity,
      level,
      levelState,
      levelPct,
      remainingPct,
      colorant: colorantName(index, readInteger(row.get(PRT_SUPPLIES_COLUMN.colorantIndex)), colorants),
    });
  }
  return supplies;
}

function supplyLevelState(level: number | null): SupplyLevelState {
  if (level === null || level === -2) return 'unknown';
  if (level === -3) return 'some-remaining';
  if (level === -1) return 'unrestricted';
  // Any other negative number is outside the MIB's range: as good as unknown.
  return level >= 0 ? 'measured' : 'unknown';
}

// A colorant row shares the supply's hrDeviceIndex; colorant index 0 means "no colorant".
function colorantName(supplyIndex: string, colorantIndex: number | null, colorants: Map<string, SnmpRow>): string | null {
  if (colorantIndex === null || colorantIndex <= 0) return null;
  const device = supplyIndex.split('.')[0];
  const row = colorants.get(`${device}.${colorantIndex}`);
  return readText(row?.get(PRT_COLORANT_COLUMN.value)) || null;
}

// Printers report a level above the capacity after a refill or with a third-party cartridge.
function clampPct(pct: number): number {
  return round(Math.min(100, Math.max(0, pct)));
}

function round(pct: number): number {
  return Math.round(pct * 10) / 10;
}

function enumName(names: Record<number, string>, value: number | null): string {
  if (value === null) return 'unknown';
  return names[value] ?? `unknown(${value})`;
}
