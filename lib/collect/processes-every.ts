// `vigil_processes_every`: how often a host gets the full poll script (processes, facts, failed
// units) between light ones. Seconds as a number, or a duration as alerts.yml writes them
// ("90s", "5m", "1h"); the worker turns it into a count of the host's polls (poll-schedule.ts).
import { secondsFromValue } from '../seconds-from-value.ts';

/** Below a second the value is surely a mistake (a unit left out of "500ms" was meant as 500 s?). */
const MIN_SEC = 1;

/** The period in seconds; `invalid` is called with what is wrong, naming the value. */
export function readProcessesEvery(value: unknown, invalid: (message: string) => never): number {
  const shown = JSON.stringify(value) ?? String(value);
  const expected = `must be a duration like 60 (seconds), 90s, 5m or 1h, at least ${MIN_SEC} s, got ${shown}`;
  const seconds = secondsFromValue(value);
  if (seconds === null || !Number.isFinite(seconds) || seconds < MIN_SEC) return invalid(expected);
  return seconds;
}
