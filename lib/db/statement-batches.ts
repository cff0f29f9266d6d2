// PostgreSQL (and PGlite) take at most 65,535 bind parameters in one statement. A VALUES list or
// an IN list of a whole inventory passes that from a few thousand rows on and is refused ("bind
// message has … parameter formats"), so rows of unbounded count go in slices that stay under it.

// The limit is 65,535; the slices stay under 60,000, leaving room for the statement's own
// parameters beside its rows (an ON CONFLICT … SET value, a WHERE bound).
const ROW_PARAMETER_BUDGET = 60_000;

/** `rows` in consecutive slices of at most as many rows as fit one statement at `parametersPerRow` each (and never more than 10,000). */
export function* inStatementBatches<T>(rows: readonly T[], parametersPerRow: number): Generator<T[], void, undefined> {
  const size = Math.max(1, Math.min(10_000, Math.floor(ROW_PARAMETER_BUDGET / parametersPerRow)));
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}
