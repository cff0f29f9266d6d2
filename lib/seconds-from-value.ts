// An inventory value meant as a time span: seconds as a number or numeric string, or a duration as
// alerts.yml writes them ("500ms", "90s", "5m", "1h"). Callers bound it and word their own error.
import { parseDuration } from './alerting/alerts-file.ts';

/** Seconds, or null when the value is neither a number nor a duration. */
export function secondsFromValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const ms = parseDuration(text);
  return ms === null ? null : ms / 1000;
}
