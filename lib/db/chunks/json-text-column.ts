// One column of JSON texts (SQL NULL allowed) as bytes, exactly: the same text comes back, key order,
// spacing and number spelling included. A device list keeps its shape from poll to poll while its
// numbers change, so each text is split into a template (the text with every number replaced by a
// placeholder) and its numbers. Templates are stored once each; the numbers of the rows sharing a
// template become one number column per position ("the used bytes of /var, every poll"), which
// lib/db/chunks/number-column.ts encodes as the figures they are, with the count of decimals each
// was spelled with ("75.10": 75.1 and 2), so that its spelling survives; the few that could not be
// spelled back (exponents, -0, more than 15 digits) travel verbatim in a list of exceptions.
import { jsonSection, packSections, parseJsonSection, unpackSections } from './byte-sections.ts';
import { decodeNumberColumn, encodeNumberColumn } from './number-column.ts';

/** Outside strings, neither character can appear in JSON text. */
const NUMBER_SLOT = '#';
const EXCEPTION_SLOT = '~';
const NUMBER_LITERAL = /-?(?:0|[1-9]\d*)(?:\.(\d+))?([eE][+-]?\d+)?/y;
const MAX_MANTISSA = 10 ** 15;
const MAX_DECIMALS = 20;

interface SlotMatrix {
  mantissas: number[][];
  decimals: number[][];
}

export function encodeJsonTextColumn(texts: readonly (string | null)[]): Uint8Array {
  const templateIds = new Map<string, number>();
  const templates: string[] = [];
  const matrices: SlotMatrix[] = [];
  const ids: (number | null)[] = [];
  const exceptions: string[] = [];
  for (const text of texts) {
    if (text === null) {
      ids.push(null);
      continue;
    }
    const split = splitNumbers(text, exceptions);
    let id = templateIds.get(split.template);
    if (id === undefined) {
      id = templates.length;
      templateIds.set(split.template, id);
      templates.push(split.template);
      matrices.push({
        mantissas: split.mantissas.map(() => []),
        decimals: split.mantissas.map(() => []),
      });
    }
    ids.push(id);
    const matrix = matrices[id] as SlotMatrix;
    split.mantissas.forEach((mantissa, slot) => {
      matrix.mantissas[slot]?.push(mantissa);
      matrix.decimals[slot]?.push(split.decimals[slot] ?? 0);
    });
  }
  // Per position: the numbers as JSON.parse reads them (number-column.ts finds their decimals and
  // stores integers), and how many decimals each was spelled with, for the exact text.
  const slotSections = matrices.flatMap((matrix) =>
    matrix.mantissas.flatMap((mantissas, slot) => {
      const decimals = matrix.decimals[slot] ?? [];
      return [encodeNumberColumn(mantissas.map((mantissa, i) => valueOf(mantissa, decimals[i] ?? 0))), encodeNumberColumn(decimals)];
    }),
  );
  return packSections([jsonSection(templates), encodeNumberColumn(ids), jsonSection(exceptions), ...slotSections]);
}

export function decodeJsonTextColumn(bytes: Uint8Array, count: number): (string | null)[] {
  const column = decodeTemplates(bytes, count, true);
  return column.ids.map((id) => {
    if (id === null) return null;
    const template = templateOf(column, id);
    let slot = 0;
    let text = '';
    for (const part of template.parts) {
      if (part === NUMBER_SLOT) {
        const decimals = template.decimals[slot]?.[template.row] ?? 0;
        // Exact: a mantissa below 10^15 is the nearest integer to its value times 10^decimals.
        text += spellNumber(Math.round((template.values[slot]?.[template.row] ?? 0) * 10 ** decimals), decimals);
        slot++;
      } else if (part === EXCEPTION_SLOT) {
        text += column.exceptions[column.nextException++] ?? '';
      } else {
        text += part;
      }
    }
    template.row++;
    return text;
  });
}

/**
 * A row's json value as a shape shared by the rows of its template, whose numbers are references:
 * resolve(reference) gives the row's number. Reading a week of minutes through shapes builds no
 * copy of each row's value. A parsed value with resolve = the identity is a shape too.
 */
export interface JsonShape {
  /** Do not change it: other rows share it. */
  value: unknown;
  resolve: (reference: number) => number;
}

export const IDENTITY_RESOLVE = (value: number): number => value;

/** Each row's shape (null for SQL NULL); rows for which `wanted` says false are left undefined. */
export function decodeJsonShapeColumn(bytes: Uint8Array, count: number, wanted?: (row: number) => boolean): (JsonShape | null | undefined)[] {
  const column = decodeTemplates(bytes, count, false);
  return column.ids.map((id, row) => {
    if (id === null) return wanted === undefined || wanted(row) ? null : undefined;
    const template = templateOf(column, id);
    const slotRow = template.row++;
    const firstException = column.nextException;
    column.nextException += template.exceptionCount;
    if (wanted !== undefined && !wanted(row)) return undefined;
    template.skeleton ??= skeletonOf(template.parts);
    const resolve = (slot: number): number => (slot >= 0 ? (template.values[slot]?.[slotRow] ?? 0) : Number(column.exceptions[firstException - slot - 1]));
    return { value: template.skeleton, resolve };
  });
}

/**
 * The values JSON.parse would give for each text, built without the text: each template is parsed
 * once, and each row's copy of it takes the row's numbers. Rows for which `wanted` says false come
 * back as undefined, unbuilt.
 */
export function decodeJsonValueColumn(bytes: Uint8Array, count: number, wanted?: (row: number) => boolean): unknown[] {
  return decodeJsonShapeColumn(bytes, count, wanted).map((shape) => (shape === null || shape === undefined ? shape : fill(shape.value, shape.resolve)));
}

interface DecodedTemplate {
  parts: string[];
  exceptionCount: number;
  /** Per slot, its rows' numbers. */
  values: (number | null)[][];
  /** Per slot, the decimals each was spelled with (decoded for the text only). */
  decimals: (number | null)[][];
  /** The next of its rows to decode. */
  row: number;
  skeleton?: unknown;
}

interface DecodedColumn {
  ids: (number | null)[];
  templates: DecodedTemplate[];
  exceptions: string[];
  nextException: number;
}

function decodeTemplates(bytes: Uint8Array, count: number, withDecimals: boolean): DecodedColumn {
  const [templateSection, idSection, exceptionSection, ...slotSections] = unpackSections(bytes);
  const templates = parseJsonSection(templateSection, 'json column templates') as string[];
  const exceptions = parseJsonSection(exceptionSection, 'json column exceptions') as string[];
  if (idSection === undefined) throw new Error('json column: template ids missing');
  const ids = decodeNumberColumn(idSection, count);
  const rowsOf = new Array<number>(templates.length).fill(0);
  for (const id of ids) if (id !== null) rowsOf[id] = (rowsOf[id] ?? 0) + 1;

  // Each template's parts and its rows' numbers, slot by slot, in the order they were packed.
  let nextSection = 0;
  const decoded = templates.map((template, id): DecodedTemplate => {
    const parts = templateParts(template);
    const rows = rowsOf[id] ?? 0;
    const slots = parts.filter((part) => part === NUMBER_SLOT).length;
    const values: (number | null)[][] = [];
    const decimals: (number | null)[][] = [];
    for (let slot = 0; slot < slots; slot++) {
      const valueSection = slotSections[nextSection++];
      const decimalSection = slotSections[nextSection++];
      if (valueSection === undefined || decimalSection === undefined) throw new Error(`json column: numbers of template ${id} missing`);
      values.push(decodeNumberColumn(valueSection, rows));
      if (withDecimals) decimals.push(decodeNumberColumn(decimalSection, rows));
    }
    return { parts, exceptionCount: parts.filter((part) => part === EXCEPTION_SLOT).length, values, decimals, row: 0 };
  });
  return { ids, templates: decoded, exceptions, nextException: 0 };
}

function templateOf(column: DecodedColumn, id: number): DecodedTemplate {
  const template = column.templates[id];
  if (template === undefined) throw new Error(`json column: unknown template ${id}`);
  return template;
}

/**
 * The template parsed, each number slot as its index (0, 1…) and each exception as -1, -2…: a
 * template holds no other number, since every number of the text became a slot.
 */
function skeletonOf(parts: readonly string[]): unknown {
  let slot = 0;
  let exception = 0;
  const text = parts.map((part) => (part === NUMBER_SLOT ? String(slot++) : part === EXCEPTION_SLOT ? String(-++exception) : part)).join('');
  return JSON.parse(text) as unknown;
}

function fill(skeleton: unknown, slotValue: (slot: number) => number): unknown {
  if (typeof skeleton === 'number') return slotValue(skeleton);
  if (typeof skeleton !== 'object' || skeleton === null) return skeleton;
  if (Array.isArray(skeleton)) {
    const copy = new Array<unknown>(skeleton.length);
    for (let i = 0; i < skeleton.length; i++) copy[i] = fill(skeleton[i], slotValue);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(skeleton)) {
    // As JSON.parse does: "__proto__" is a key like any other, not the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: fill(value, slotValue), enumerable: true, writable: true, configurable: true });
    else copy[key] = fill(value, slotValue);
  }
  return copy;
}

/** The double JSON.parse gives for the spelling: one correctly rounded division, as its decimal conversion. */
function valueOf(mantissa: number, decimals: number): number {
  return mantissa / 10 ** decimals;
}

interface SplitText {
  template: string;
  mantissas: number[];
  decimals: number[];
}

/** The template of one JSON text and its numbers; numbers that cannot be spelled back go to `exceptions`. */
function splitNumbers(text: string, exceptions: string[]): SplitText {
  const mantissas: number[] = [];
  const decimals: number[] = [];
  let template = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      i = stringEnd(text, i);
      continue;
    }
    if (c !== '-' && (c < '0' || c > '9')) {
      i++;
      continue;
    }
    NUMBER_LITERAL.lastIndex = i;
    const match = NUMBER_LITERAL.exec(text);
    if (match === null) throw new Error(`json column: not a number at offset ${i}`);
    const literal = match[0];
    const fraction = match[1] ?? '';
    const mantissa = match[2] === undefined ? Number(literal.replace('.', '')) : NaN;
    const spellable =
      Number.isSafeInteger(mantissa) && Math.abs(mantissa) < MAX_MANTISSA && fraction.length <= MAX_DECIMALS && spellNumber(mantissa, fraction.length) === literal;
    if (spellable) {
      mantissas.push(mantissa);
      decimals.push(fraction.length);
    } else {
      exceptions.push(literal);
    }
    template += text.slice(copied, i) + (spellable ? NUMBER_SLOT : EXCEPTION_SLOT);
    i += literal.length;
    copied = i;
  }
  template += text.slice(copied);
  return { template, mantissas, decimals };
}

/** The template's literal text, with NUMBER_SLOT and EXCEPTION_SLOT as parts of their own. */
function templateParts(template: string): string[] {
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  while (i < template.length) {
    const c = template[i] as string;
    if (c === '"') {
      i = stringEnd(template, i);
    } else if (c === NUMBER_SLOT || c === EXCEPTION_SLOT) {
      parts.push(template.slice(copied, i), c);
      i++;
      copied = i;
    } else {
      i++;
    }
  }
  parts.push(template.slice(copied));
  return parts;
}

/** The offset just past the JSON string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  throw new Error(`json column: unterminated string at offset ${start}`);
}

/** 7510 with 2 decimals is "75.10"; -5 with 2 is "-0.05". */
function spellNumber(mantissa: number, decimals: number): string {
  let digits = String(Math.abs(mantissa));
  if (decimals > 0) {
    digits = digits.padStart(decimals + 1, '0');
    digits = `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  }
  return mantissa < 0 ? `-${digits}` : digits;
}
