// "Download CSV": the columns the charts show, as they were fetched, written in the browser.
// Device names come from hosts and may be anything: every text cell is quoted as needed and
// defused for spreadsheets, which would otherwise run a name like "=cmd|..." as a formula.
import type { ChartSpec } from './chart-specs.ts';

/** ts in Unix seconds; only the points within [fromMs, toMs] are written, as the charts show them. */
export function toCsv(ts: readonly number[], charts: readonly ChartSpec[], fromMs: number, toMs: number): string {
  const series = charts.flatMap((chart) => chart.series);
  const lines = [['time', ...series.map((s) => s.csv)].map(csvTextCell).join(',')];
  ts.forEach((t, i) => {
    const ms = t * 1000;
    if (ms < fromMs || ms > toMs) return;
    lines.push([new Date(ms).toISOString(), ...series.map((s) => numberCell(s.values[i]))].join(','));
  });
  return lines.join('\r\n') + '\r\n';
}

/** host_2025-03-01T10-00-00Z_2025-03-01T11-00-00Z.csv, safe as a file name on every system. */
export function csvFileName(host: string, fromMs: number, toMs: number): string {
  const instant = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  const safeHost = host.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_').slice(0, 100) || 'host';
  return `${safeHost}_${instant(fromMs)}_${instant(toMs)}.csv`;
}

/** Hands the text to the browser as a file download. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function numberCell(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}

/** A text cell, quoted as needed and defused for spreadsheets. */
export function csvTextCell(value: string): string {
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}
