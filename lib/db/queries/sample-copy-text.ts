// Sample rows in COPY's text format: fields separated by tabs, rows ended by newlines, \N for
// NULL, and backslash escapes for the four characters that would otherwise end a field or a row.
import { SAMPLE_COLUMNS } from './sample-row.ts';
import type { SampleRow } from './sample-row.ts';

const NAMES = SAMPLE_COLUMNS.map(([name]) => name);

/** The column list the lines' fields follow, for `COPY samples (…)`. */
export const SAMPLE_COPY_COLUMNS = NAMES.join(', ');

export function sampleCopyLines(rows: SampleRow[]): string {
  let text = '';
  for (const row of rows) {
    let line = copyField(row[NAMES[0] as (typeof NAMES)[number]]);
    for (let i = 1; i < NAMES.length; i++) line += '\t' + copyField(row[NAMES[i] as (typeof NAMES)[number]]);
    text += line + '\n';
  }
  return text;
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value as a field: the same text the INSERT path's arrays carry, escaped for COPY. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  // NaN and ±Infinity read back as float8's own NaN and ±Infinity.
  if (typeof value === 'number') return String(value);
  const text = String(value);
  // JSON text holds a backslash only where a string needed an escape: most fields go as they are.
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPED[c] ?? c) : text;
}
