// Reading values out of varbinds as agents send them, which is not always as the MIB says: a
// printer may answer an Integer32 column with a string, a counter with a Counter64 buffer, or a
// missing row with noSuchInstance. Every reader returns null for what it cannot read, never NaN.

/** One variable binding as net-snmp decodes it: Integer, Counter32, Gauge32 and TimeTicks as numbers, OCTET STRING, Opaque and Counter64 as Buffers, OIDs and IpAddresses as strings. */
export interface SnmpVarbind {
  oid: string;
  type: number;
  value: unknown;
}

// The ASN.1 and SMIv2 tags net-snmp reports in `type` (its ObjectType).
export const SNMP_TYPE = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  Oid: 6,
  IpAddress: 64,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Opaque: 68,
  Counter64: 70,
  NoSuchObject: 128,
  NoSuchInstance: 129,
  EndOfMibView: 130,
} as const;

/** True for a varbind that carries no value: noSuchObject, noSuchInstance, endOfMibView, NULL. */
export function isMissing(varbind: SnmpVarbind | undefined): boolean {
  if (varbind === undefined) return true;
  const { type } = varbind;
  return type === SNMP_TYPE.Null || type === SNMP_TYPE.NoSuchObject || type === SNMP_TYPE.NoSuchInstance || type === SNMP_TYPE.EndOfMibView;
}

/** A whole number, signed, from any integer type (or decimal text, which some agents send). */
export function readInteger(varbind: SnmpVarbind | undefined): number | null {
  if (varbind === undefined || isMissing(varbind)) return null;
  const { value } = varbind;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value)) {
    if (varbind.type === SNMP_TYPE.Counter64) return readUnsignedBytes(value);
    return parseDecimal(value.toString('latin1'));
  }
  if (typeof value === 'string') return parseDecimal(value);
  return null;
}

/** A counter or gauge: like readInteger, but a negative value (which no counter can hold) is null. */
export function readUnsigned(varbind: SnmpVarbind | undefined): number | null {
  const value = readInteger(varbind);
  return value === null || value < 0 ? null : value;
}

/** Text of an OCTET STRING (UTF-8, as printers in the field send it), without trailing NULs and padding; numbers as their digits. */
export function readText(varbind: SnmpVarbind | undefined): string | null {
  if (varbind === undefined || isMissing(varbind)) return null;
  const { value } = varbind;
  let text: string;
  if (Buffer.isBuffer(value)) text = value.toString('utf8');
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'bigint') text = String(value);
  else return null;
  // C agents often send the buffer's terminating NUL; control characters have no place in a label.
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The raw bytes of an OCTET STRING (a BITS value such as hrPrinterDetectedErrorState). */
export function readBytes(varbind: SnmpVarbind | undefined): Buffer | null {
  if (varbind === undefined || isMissing(varbind)) return null;
  const { value } = varbind;
  if (Buffer.isBuffer(value)) return value;
  return null;
}

/** An OBJECT IDENTIFIER value in dotted form without a leading dot. */
export function readOid(varbind: SnmpVarbind | undefined): string | null {
  if (varbind === undefined || isMissing(varbind) || varbind.type !== SNMP_TYPE.Oid) return null;
  return typeof varbind.value === 'string' ? varbind.value.replace(/^\./, '') : null;
}

// Counter64 arrives as up to 8 big-endian bytes (9 with a leading zero for the sign bit).
function readUnsignedBytes(bytes: Buffer): number | null {
  if (bytes.length === 0 || bytes.length > 9) return null;
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}

function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!/^-?\d{1,20}$/.test(trimmed)) return null;
  return Number(trimmed);
}
