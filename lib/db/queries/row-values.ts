// Values of raw-SQL rows as both drivers return them: pg gives json(b) parsed and numerics of
// int8 as text, PGlite the same shapes; anything else reads as empty or null rather than throwing.
import { parseJson } from './stored-alert.ts';

/** A json column holding an array; [] for null or anything not an array. */
export function jsonList<T>(value: unknown): T[] {
  const parsed = parseJson(value, null);
  return Array.isArray(parsed) ? (parsed as T[]) : [];
}

/** A json column holding a list of names. */
export function stringList(value: unknown): string[] {
  return jsonList<unknown>(value).map(String);
}

/** A number column (int8, numeric and count(*) arrive from pg as text); null for null or anything not finite. */
export function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
