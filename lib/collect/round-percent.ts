/**
 * A percentage to 0.01 of a point: what any dashboard shows (Zabbix and Checkmk show two
 * decimals) and finer than any alert threshold. A tick ratio's seventeen digits are noise that
 * costs stored bytes no compression takes away; two decimals store as small scaled integers
 * (lib/db/chunks/number-column.ts). The result is the double nearest to n / 100.
 */
export function roundPercent(pct: number): number {
  return roundHundredths(pct);
}

/** Any figure to two decimals (disk latency in ms): the double nearest to n / 100. */
export function roundHundredths(value: number): number {
  return Math.round(value * 100) / 100;
}
