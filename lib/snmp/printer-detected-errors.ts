// HOST-RESOURCES-MIB hrPrinterDetectedErrorState: a BITS value, where bit 0 is the most significant
// bit of the first octet (RFC 2578 §7.1.4), so lowPaper is 0x80 of byte 0.

/** The conditions in bit order (RFC 2790, and RFC 3805's additions from bit 8 on). */
export const PRINTER_ERROR_BITS = [
  'lowPaper', 'noPaper', 'lowToner', 'noToner', 'doorOpen', 'jammed', 'offline', 'serviceRequested',
  'inputTrayMissing', 'outputTrayMissing', 'markerSupplyMissing', 'outputNearFull', 'outputFull', 'inputTrayEmpty',
  'overduePreventMaint',
] as const;
export type PrinterErrorCondition = (typeof PRINTER_ERROR_BITS)[number];

/** The conditions set in the bit string; bits past the known ones are ignored. */
export function printerDetectedErrors(bits: Buffer | null): PrinterErrorCondition[] {
  if (bits === null) return [];
  const conditions: PrinterErrorCondition[] = [];
  PRINTER_ERROR_BITS.forEach((condition, bit) => {
    const byte = bits[bit >> 3];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) conditions.push(condition);
  });
  return conditions;
}
