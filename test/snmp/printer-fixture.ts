// What the tests' "printer" serves: a colour laser with a low black toner, a nearly full waste
// box, a drum that only knows it is not empty, a paper jam and an open door. Every expected
// figure in the tests follows from these numbers.
import type { MibValue } from './test-snmpd.ts';

const SUPPLIES = '1.3.6.1.2.1.43.11.1.1';
const ALERTS = '1.3.6.1.2.1.43.18.1.1';

export const FIXTURE_PAGE_COUNT = 123_456;

interface FixtureSupply {
  index: number;
  colorant: number;
  class: number;
  type: number;
  description: string;
  unit: number;
  max: number;
  level: number;
}

export const FIXTURE_SUPPLIES: FixtureSupply[] = [
  // 1350 of 9000 impressions: 15 %.
  { index: 1, colorant: 1, class: 3, type: 3, description: 'Black Toner Cartridge 26A', unit: 7, max: 9000, level: 1350 },
  // Percent units: 64 %.
  { index: 2, colorant: 2, class: 3, type: 21, description: 'Cyan Toner Cartridge', unit: 19, max: 100, level: 64 },
  // A waste receptacle 85 % full has 15 % room left.
  { index: 3, colorant: 0, class: 4, type: 4, description: 'Waste Toner Box', unit: 19, max: 100, level: 85 },
  // -3: some remaining.
  { index: 4, colorant: 0, class: 3, type: 9, description: 'Imaging Drum', unit: 7, max: 30000, level: -3 },
  // -2: unknown.
  { index: 5, colorant: 0, class: 3, type: 15, description: 'Fuser Kit', unit: 7, max: -2, level: -2 },
  // -1: no restriction.
  { index: 6, colorant: 0, class: 3, type: 32, description: 'Staples', unit: 18, max: -1, level: -1 },
];

export function printerValues(overrides: { pageCount?: number; supplies?: FixtureSupply[]; extra?: MibValue[] } = {}): MibValue[] {
  const supplies = overrides.supplies ?? FIXTURE_SUPPLIES;
  return [
    // hrDeviceTable: the printer and, first, a network device a print server would list too.
    ['1.3.6.1.2.1.25.3.2.1.2.1', 'objectid', '.1.3.6.1.2.1.25.3.1.4'],
    ['1.3.6.1.2.1.25.3.2.1.2.2', 'objectid', '.1.3.6.1.2.1.25.3.1.5'],
    ['1.3.6.1.2.1.25.3.2.1.3.1', 'string', 'Network interface'],
    ['1.3.6.1.2.1.25.3.2.1.3.2', 'string', 'Vigil ColorLaser 500'],
    ['1.3.6.1.2.1.25.3.2.1.5.1', 'integer', 2],
    ['1.3.6.1.2.1.25.3.2.1.5.2', 'integer', 3],
    // hrPrinterTable of device 2: status other (1), and lowToner + jammed (0x24), inputTrayMissing (0x80 of byte 2).
    ['1.3.6.1.2.1.25.3.5.1.1.2', 'integer', 1],
    ['1.3.6.1.2.1.25.3.5.1.2.2', 'octet', '24 80'],
    // prtMarkerLifeCount of marker 1.
    ['1.3.6.1.2.1.43.10.2.1.4.2.1', 'counter', overrides.pageCount ?? FIXTURE_PAGE_COUNT],
    ...supplies.flatMap((supply): MibValue[] => [
      [`${SUPPLIES}.3.2.${supply.index}`, 'integer', supply.colorant],
      [`${SUPPLIES}.4.2.${supply.index}`, 'integer', supply.class],
      [`${SUPPLIES}.5.2.${supply.index}`, 'integer', supply.type],
      [`${SUPPLIES}.6.2.${supply.index}`, 'string', supply.description],
      [`${SUPPLIES}.7.2.${supply.index}`, 'integer', supply.unit],
      [`${SUPPLIES}.8.2.${supply.index}`, 'integer', supply.max],
      [`${SUPPLIES}.9.2.${supply.index}`, 'integer', supply.level],
    ]),
    // prtMarkerColorantValue.
    ['1.3.6.1.2.1.43.12.1.1.4.2.1', 'string', 'black'],
    ['1.3.6.1.2.1.43.12.1.1.4.2.2', 'string', 'cyan'],
    // prtAlertTable: severity, group, group index, location, code, description.
    ...alert(1, 4, 11, 1, 1104, 'Black toner low'),
    ...alert(2, 3, 13, 2, 8, 'Paper jam in tray 2'),
    ...alert(3, 3, 6, -1, 3, 'Front door open'),
    ...(overrides.extra ?? []),
  ];
}

function alert(index: number, severity: number, group: number, groupIndex: number, code: number, description: string): MibValue[] {
  return [
    [`${ALERTS}.2.2.${index}`, 'integer', severity],
    [`${ALERTS}.4.2.${index}`, 'integer', group],
    [`${ALERTS}.5.2.${index}`, 'integer', groupIndex],
    [`${ALERTS}.6.2.${index}`, 'integer', 0],
    [`${ALERTS}.7.2.${index}`, 'integer', code],
    [`${ALERTS}.8.2.${index}`, 'string', description],
  ];
}
