// Recurring maintenance windows from the inventory, e.g.
//   vigil_maintenance: [{ days: [sun], start: '02:00', end: '04:00', timezone: 'UTC' }]
// During a window a host's alerts are evaluated and recorded as usual, but nobody is notified.

export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';

export interface MaintenanceWindow {
  /** Days on which the window starts; all days when empty. */
  days: Weekday[];
  /** Minutes after local midnight. A window with end <= start runs past midnight. */
  startMinute: number;
  endMinute: number;
  /** IANA time zone name. */
  timezone: string;
}

export interface ParsedMaintenanceWindows {
  windows: MaintenanceWindow[];
  /** What was wrong with entries that were left out. */
  problems: string[];
}

const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_MINUTES = 24 * 60;

/** Reads the inventory variable's value (already parsed YAML/JSON); never throws. */
export function parseMaintenanceWindows(value: unknown): ParsedMaintenanceWindows {
  const windows: MaintenanceWindow[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { windows, problems };
  const entries = Array.isArray(value) ? value : [value];
  entries.forEach((entry: unknown, index) => {
    const where = `maintenance window ${index + 1}`;
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${where} must be an object with start and end`);
      return;
    }
    const record = entry as Record<string, unknown>;
    const startMinute = parseClock(record['start']);
    const endMinute = parseClock(record['end']);
    if (startMinute === null || endMinute === null) {
      problems.push(`${where}: start and end must be times as HH:MM`);
      return;
    }
    const timezone = typeof record['timezone'] === 'string' && record['timezone'] !== '' ? record['timezone'] : 'UTC';
    if (!isTimeZone(timezone)) {
      problems.push(`${where}: unknown time zone ${JSON.stringify(timezone)}`);
      return;
    }
    const days = parseDays(record['days']);
    if (days === null) {
      problems.push(`${where}: days must be a list of sun, mon, tue, wed, thu, fri, sat`);
      return;
    }
    windows.push({ days, startMinute, endMinute, timezone });
  });
  return { windows, problems };
}

export function isInMaintenance(windows: MaintenanceWindow[], atMs: number): boolean {
  return windows.some((window) => windowCovers(window, atMs));
}

function windowCovers(window: MaintenanceWindow, atMs: number): boolean {
  return coversLocal(window, localTime(atMs, window.timezone));
}

function coversLocal(window: MaintenanceWindow, { weekday, minute }: { weekday: number; minute: number }): boolean {
  const startsOn = (day: number): boolean => window.days.length === 0 || window.days.includes(WEEKDAYS[(day + 7) % 7] as Weekday);
  if (window.endMinute > window.startMinute) {
    return startsOn(weekday) && minute >= window.startMinute && minute < window.endMinute;
  }
  // Past midnight: the evening part belongs to today's window, the morning part to yesterday's.
  if (minute >= window.startMinute) return startsOn(weekday);
  return minute < window.endMinute && startsOn(weekday - 1);
}

const MINUTE_MS = 60_000;
/** Longest step between two looks at the clock: a DST change inside one can shift a window's edge by at most this. */
const MAX_STEP_MINUTES = 60;

/**
 * The spans of [fromMs, toMs) that the windows cover, merged and in order. A window's state can
 * only change at a local minute it names, so the walk jumps from one such minute to the next
 * (at most an hour at a time, so that a daylight-saving change moves an edge by an hour at most).
 */
export function maintenanceIntervals(windows: MaintenanceWindow[], fromMs: number, toMs: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  if (windows.length === 0 || toMs <= fromMs) return spans;
  let at = fromMs;
  while (at < toMs) {
    let covered = false;
    let stepMinutes = MAX_STEP_MINUTES;
    for (const window of windows) {
      const local = localTime(at, window.timezone);
      covered ||= coversLocal(window, local);
      for (const edge of [window.startMinute, window.endMinute]) {
        const ahead = (((edge - local.minute) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
        if (ahead > 0) stepMinutes = Math.min(stepMinutes, ahead);
      }
    }
    // The next whole minute counts as the first of the step: `at` may be mid-minute.
    const next = Math.min(toMs, Math.floor(at / MINUTE_MS) * MINUTE_MS + stepMinutes * MINUTE_MS);
    const last = spans[spans.length - 1];
    if (covered) {
      if (last && last[1] === at) last[1] = next;
      else spans.push([at, next]);
    }
    at = next;
  }
  return spans;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(atMs: number, timezone: string): { weekday: number; minute: number } {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, formatter);
  }
  const parts = formatter.formatToParts(new Date(atMs));
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = WEEKDAYS.indexOf(part('weekday').toLowerCase().slice(0, 3) as Weekday);
  return { weekday, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

function parseClock(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) return null;
  return Math.min(hours * 60 + minutes, DAY_MINUTES);
}

function parseDays(value: unknown): Weekday[] | null {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const days: Weekday[] = [];
  for (const item of list) {
    if (typeof item !== 'string') return null;
    const day = item.trim().toLowerCase().slice(0, 3) as Weekday;
    if (!WEEKDAYS.includes(day) || !isDayName(item.trim().toLowerCase())) return null;
    days.push(day);
  }
  return days;
}

const FULL_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function isDayName(value: string): boolean {
  return value.length === 3 || FULL_NAMES.includes(value);
}

const knownTimeZones = new Map<string, boolean>();

/** Remembered: building a formatter costs microseconds, and a fleet's hosts share a few zones (an availability report reads every host's windows). */
function isTimeZone(timezone: string): boolean {
  let known = knownTimeZones.get(timezone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
      known = true;
    } catch {
      known = false;
    }
    if (knownTimeZones.size < 1000) knownTimeZones.set(timezone, known);
  }
  return known;
}
