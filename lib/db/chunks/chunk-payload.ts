// A chunk's rows, column by column, as one compressed byte string (the payload of a sample_chunks
// row). Each column is encoded for what it holds (number-column.ts, json-text-column.ts), the
// columns are packed together and the whole is compressed: encoded columns of a host's hour still
// repeat (templates, planes of zeros, the same figures on several devices), which a compressor over
// the whole finds. Two compressors, by what matters for the kind of chunk (chunked-tables.ts):
// Brotli (quality 5) for raw samples, most of the bytes kept; deflate for 1-minute rollups, which
// every chart longer than 6 hours reads, where it decodes 2.4 times faster for the same size
// (measured on a simulated host's day: 247.5 against 247.3 bytes a row, 1.6 against 3.9 ms of CPU
// to decompress 23 hours; raw samples: 156.0 bytes a sample with Brotli, 162.4 with deflate).
// Quality 5 of 11: 9 took 6-40 times the CPU for 1% fewer bytes. Compressing runs on libuv's
// thread pool, so that packing a chunk does not block the writer's event loop; decompressing an
// hour is cheaper done at once than a trip through the pool. The payload is written whole and read
// whole: sample_chunks stores it as it is, uncompressed by PostgreSQL (STORAGE EXTERNAL).
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants, deflateRaw, inflateRawSync } from 'node:zlib';
import { jsonSection, packSections, parseJsonSection, unpackSections } from './byte-sections.ts';
import { decodeJsonShapeColumn, decodeJsonTextColumn, decodeJsonValueColumn, encodeJsonTextColumn } from './json-text-column.ts';
import type { JsonShape } from './json-text-column.ts';
import { decodeNumberColumn, encodeNumberColumn } from './number-column.ts';

/** number: float8, integers and timestamps (as microseconds); bool; json: the text as stored. */
export type ChunkColumnType = 'number' | 'bool' | 'json';

export type ChunkValue = number | boolean | string | null;

export interface ChunkColumns {
  rowCount: number;
  /** Column name → one value per row. */
  columns: Map<string, ChunkValue[]>;
}

/** How a payload's first byte says it was compressed. */
const FORMAT_BYTE = { brotli: 1, deflate: 2 } as const;

export type ChunkCompression = keyof typeof FORMAT_BYTE;

const BROTLI_QUALITY = 5;
const DEFLATE_LEVEL = 6;

const compressBrotli = promisify(brotliCompress);
const compressDeflate = promisify(deflateRaw);

export async function encodeChunk(types: ReadonlyMap<string, ChunkColumnType>, data: ChunkColumns, compression: ChunkCompression = 'brotli'): Promise<Buffer> {
  const names = [...types.keys()];
  const sections = names.map((name) => {
    const values = data.columns.get(name);
    if (values === undefined || values.length !== data.rowCount) {
      throw new Error(`chunk column ${name}: ${values?.length ?? 'no'} values for ${data.rowCount} rows`);
    }
    return encodeColumn(name, types.get(name) as ChunkColumnType, values);
  });
  const header = { rows: data.rowCount, columns: names.map((name) => [name, types.get(name)]) };
  const packed = packSections([jsonSection(header), ...sections]);
  const compressed =
    compression === 'brotli'
      ? await compressBrotli(packed, {
          params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_LGWIN]: 22, [constants.BROTLI_PARAM_SIZE_HINT]: packed.length },
        })
      : await compressDeflate(packed, { level: DEFLATE_LEVEL });
  return Buffer.concat([Buffer.from([FORMAT_BYTE[compression]]), compressed]);
}

/** The named columns of a payload (all of them when `wanted` is absent); the others are not decoded. */
export function decodeChunk(payload: Uint8Array, wanted?: readonly string[]): ChunkColumns {
  const chunk = openChunk(payload);
  const columns = new Map<string, ChunkValue[]>();
  for (const name of chunk.columnNames) if (wanted === undefined || wanted.includes(name)) columns.set(name, chunk.values(name));
  return { rowCount: chunk.rowCount, columns };
}

/** A decompressed payload whose columns are decoded when asked for, one at a time. */
export interface OpenedChunk {
  rowCount: number;
  columnNames: readonly string[];
  /** The column as stored (json as its text); null for every row of a column the chunk does not hold. */
  values(name: string): ChunkValue[];
  /** A json column's values as JSON.parse gives them; rows for which `wanted` says false are left undefined. */
  jsonValues(name: string, wanted?: (row: number) => boolean): unknown[];
  /** A json column's values as shapes (json-text-column.ts), alike. */
  jsonShapes(name: string, wanted?: (row: number) => boolean): (JsonShape | null | undefined)[];
}

export function openChunk(payload: Uint8Array): OpenedChunk {
  const format = payload[0];
  if (format !== FORMAT_BYTE.brotli && format !== FORMAT_BYTE.deflate) throw new Error(`chunk payload: unknown format ${format ?? '(empty)'}`);
  const packed = format === FORMAT_BYTE.brotli ? brotliDecompressSync(payload.subarray(1)) : inflateRawSync(payload.subarray(1));
  const [headerSection, ...sections] = unpackSections(packed);
  const header = parseJsonSection(headerSection, 'chunk header') as { rows: number; columns: [string, ChunkColumnType][] };
  const index = new Map(header.columns.map(([name, type], i) => [name, { type, section: sections[i] }]));
  const column = (name: string): { type: ChunkColumnType; section: Uint8Array } | null => {
    const found = index.get(name);
    if (found === undefined) return null;
    if (found.section === undefined) throw new Error(`chunk payload: column ${name} missing`);
    return { type: found.type, section: found.section };
  };
  const jsonColumn = (name: string): Uint8Array | null => {
    const found = column(name);
    if (found !== null && found.type !== 'json') throw new Error(`chunk payload: column ${name} is ${found.type}, not json`);
    return found?.section ?? null;
  };
  return {
    rowCount: header.rows,
    columnNames: header.columns.map(([name]) => name),
    values: (name) => {
      const found = column(name);
      return found === null ? new Array<ChunkValue>(header.rows).fill(null) : decodeColumn(found.type, found.section, header.rows);
    },
    jsonValues: (name, wanted) => {
      const found = jsonColumn(name);
      return found === null ? new Array<unknown>(header.rows).fill(null) : decodeJsonValueColumn(found, header.rows, wanted);
    },
    jsonShapes: (name, wanted) => {
      const found = jsonColumn(name);
      return found === null ? new Array<null>(header.rows).fill(null) : decodeJsonShapeColumn(found, header.rows, wanted);
    },
  };
}

function encodeColumn(name: string, type: ChunkColumnType, values: readonly ChunkValue[]): Uint8Array {
  const mismatch = values.find((value) => value !== null && typeof value !== JS_TYPE[type]);
  if (mismatch !== undefined) throw new Error(`chunk column ${name} (${type}): got ${typeof mismatch} ${JSON.stringify(mismatch)}`);
  if (type === 'json') return encodeJsonTextColumn(values as (string | null)[]);
  if (type === 'bool') return encodeNumberColumn(values.map((value) => (value === null ? null : value ? 1 : 0)));
  return encodeNumberColumn(values as (number | null)[]);
}

const JS_TYPE: Record<ChunkColumnType, string> = { number: 'number', bool: 'boolean', json: 'string' };

function decodeColumn(type: ChunkColumnType, bytes: Uint8Array, rows: number): ChunkValue[] {
  if (type === 'json') return decodeJsonTextColumn(bytes, rows);
  if (type === 'bool') return decodeNumberColumn(bytes, rows).map((value) => (value === null ? null : value === 1));
  if (type === 'number') return decodeNumberColumn(bytes, rows);
  throw new Error(`chunk payload: unknown column type ${String(type)}`);
}
