// Maintenance windows from the inventory, recurring or once, e.g.
//   vigil_maintenance:
//     - { days: [sun], start: '02:00', end: '04:00', timezone: Europe/Berlin }
//     - { from: '2026-11-28 22:00', until: '2026-11-29 03:00', timezone: Europe/Berlin }
// During a window a host's alerts are evaluated and recorded as usual, but nobody is notified;
// availability leaves the time out, and the status page announces the window ahead.

export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';

/** The same hours on chosen days, every week. */
export interface RecurringMaintenanceWindow {
  /** Days on which the window starts; all days when empty. */
  days: Weekday[];
  /** Minutes after local midnight. A window with end <= start runs past midnight. */
  startMinute: number;
  endMinute: number;
  /** IANA time zone name. */
  timezone: string;
}

/** One stretch of time, as Zabbix's one-time maintenance periods and Checkmk's scheduled downtimes: a planned upgrade. */
export interface OneTimeMaintenanceWindow {
  once: true;
  /** The instants it starts and ends, from the local times given in its zone. */
  fromMs: number;
  untilMs: number;
}

export type MaintenanceWindow = RecurringMaintenanceWindow | OneTimeMaintenanceWindow;

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
    if ('from' in record || 'until' in record) {
      const once = parseOneTime(record, where);
      if (typeof once === 'string') problems.push(once);
      else windows.push(once);
      return;
    }
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
  if ('once' in window) return atMs >= window.fromMs && atMs < window.untilMs;
  return coversLocal(window, localTime(atMs, window.timezone));
}

function coversLocal(window: RecurringMaintenanceWindow, { weekday, minute }: { weekday: number; minute: number }): boolean {
  const startsOn = (day: number): boolean => window.days.length === 0 || window.days.includes(WEEKDAYS[(day + 7) % 7] as Weekday);
  if (window.endMinute > window.startMinute) {
    return startsOn(weekday) && minute >= window.startMinute && minute < window.endMinute;
  }
  // Past midnight: the evening part belongs to today's window, the morning part to yesterday's.
  if (minute >= window.startMinute) return startsOn(weekday);
  return minute < window.endMinute && startsOn(weekday - 1);
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The spans of [fromMs, toMs) that the windows cover, merged and in order. A window's state can
 * only change at a local minute it names or where its zone's offset to UTC changes (daylight
 * saving), so the walk jumps from one such minute to the next. The offsets are read from the
 * zone's rules once a day of the period and at each change found: reading the local time at every
 * step cost 90-day reports most of their time (a formatter call per step, up to 24 a day).
 */
export function maintenanceIntervals(windows: MaintenanceWindow[], fromMs: number, toMs: number): Array<[number, number]> {
  const recurring = windows.filter((window): window is RecurringMaintenanceWindow => !('once' in window));
  const spans = recurringIntervals(recurring, fromMs, toMs);
  if (recurring.length === windows.length) return spans;
  for (const window of windows) {
    if (!('once' in window)) continue;
    const from = Math.max(fromMs, window.fromMs);
    const until = Math.min(toMs, window.untilMs);
    if (from < until) spans.push([from, until]);
  }
  return mergeSpans(spans);
}

/** Sorted, overlapping and touching spans joined. */
function mergeSpans(spans: Array<[number, number]>): Array<[number, number]> {
  const merged: Array<[number, number]> = [];
  for (const [from, until] of spans.sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], until);
    else merged.push([from, until]);
  }
  return merged;
}

function recurringIntervals(windows: RecurringMaintenanceWindow[], fromMs: number, toMs: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  if (windows.length === 0 || toMs <= fromMs) return spans;
  const timelines = new Map<string, OffsetTimeline>();
  const timelineOf = (timezone: string): OffsetTimeline => {
    let timeline = timelines.get(timezone);
    if (!timeline) timelines.set(timezone, (timeline = new OffsetTimeline(timezone, fromMs, toMs)));
    return timeline;
  };
  let at = fromMs;
  while (at < toMs) {
    const minuteStart = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    let covered = false;
    let stepMinutes = DAY_MINUTES;
    for (const window of windows) {
      const timeline = timelineOf(window.timezone);
      const local = localTimeAt(minuteStart, timeline.offsetAt(minuteStart));
      covered ||= coversLocal(window, local);
      for (const edge of [window.startMinute, window.endMinute]) {
        const ahead = (((edge - local.minute) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
        if (ahead > 0) stepMinutes = Math.min(stepMinutes, ahead);
      }
      const change = timeline.nextChangeAfter(minuteStart);
      if (change !== null) stepMinutes = Math.min(stepMinutes, (change - minuteStart) / MINUTE_MS);
    }
    // The next whole minute counts as the first of the step: `at` may be mid-minute.
    const next = Math.min(toMs, minuteStart + stepMinutes * MINUTE_MS);
    const last = spans[spans.length - 1];
    if (covered) {
      if (last && last[1] === at) last[1] = next;
      else spans.push([at, next]);
    }
    at = next;
  }
  return spans;
}

/** A zone's offset to UTC over a period: the offset at its start and each minute it changes. */
class OffsetTimeline {
  /** [from (a minute), offset in minutes], in order; the first from is the period's first minute. */
  private readonly segments: Array<[number, number]> = [];
  private index = 0;

  constructor(private readonly timezone: string, fromMs: number, toMs: number) {
    let at = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
    let offset = utcOffsetMinutes(at, timezone);
    this.segments.push([at, offset]);
    // A zone changes its offset at most twice a year, never twice within a day.
    while (at < toMs) {
      const probe = Math.min(at + DAY_MS, Math.ceil(toMs / MINUTE_MS) * MINUTE_MS);
      const later = utcOffsetMinutes(probe, timezone);
      if (later !== offset) {
        // The first minute of the new offset, in (at, probe].
        let lo = at;
        let hi = probe;
        while (hi - lo > MINUTE_MS) {
          const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
          if (utcOffsetMinutes(mid, timezone) === offset) lo = mid;
          else hi = mid;
        }
        this.segments.push([hi, later]);
        offset = later;
      }
      if (probe === at) break;
      at = probe;
    }
  }

  /** Minutes must be asked in order, as the walk does. */
  offsetAt(minute: number): number {
    while (this.index + 1 < this.segments.length && (this.segments[this.index + 1]?.[0] ?? Infinity) <= minute) this.index++;
    return this.segments[this.index]?.[1] ?? 0;
  }

  nextChangeAfter(minute: number): number | null {
    const next = this.segments[this.index + 1];
    return next && next[0] > minute ? next[0] : null;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's local time minus UTC at atMs, in whole minutes. */
function utcOffsetMinutes(atMs: number, timezone: string): number {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(timezone, formatter);
  }
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatter.formatToParts(new Date(atMs))) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return Math.round((Date.UTC(year, month - 1, day, hour, minute) - Math.floor(atMs / MINUTE_MS) * MINUTE_MS) / MINUTE_MS);
}

/** The local weekday (0 Sunday) and minute of the day at a UTC minute, given the zone's offset then. */
function localTimeAt(minuteMs: number, offsetMinutes: number): { weekday: number; minute: number } {
  const local = new Date(minuteMs + offsetMinutes * MINUTE_MS);
  return { weekday: local.getUTCDay(), minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

const weekdayFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The local weekday and minute straight from the zone's rules, for one instant (isInMaintenance).
 * Kept apart from the walk's offsets on purpose: a test holds the two to agree minute by minute.
 */
function localTime(atMs: number, timezone: string): { weekday: number; minute: number } {
  let formatter = weekdayFormatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    weekdayFormatters.set(timezone, formatter);
  }
  const parts = formatter.formatToParts(new Date(atMs));
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = WEEKDAYS.indexOf(part('weekday').toLowerCase().slice(0, 3) as Weekday);
  return { weekday, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

/** A one-time window's entry, or what is wrong with it. */
function parseOneTime(record: Record<string, unknown>, where: string): OneTimeMaintenanceWindow | string {
  for (const key of ['days', 'start', 'end']) {
    if (key in record) return `${where}: a window with from and until takes no ${key} (a weekly window has days, start and end instead)`;
  }
  const timezone = typeof record['timezone'] === 'string' && record['timezone'] !== '' ? record['timezone'] : 'UTC';
  if (!isTimeZone(timezone)) return `${where}: unknown time zone ${JSON.stringify(timezone)}`;
  const fromMs = parseLocalDateTime(record['from'], timezone);
  const untilMs = parseLocalDateTime(record['until'], timezone);
  if (fromMs === null || untilMs === null) return `${where}: from and until must both be dates and times as 2026-11-28 22:00 (a date alone is its midnight), got ${JSON.stringify(record['from'])} and ${JSON.stringify(record['until'])}`;
  if (untilMs <= fromMs) return `${where}: until must be after from`;
  return { once: true, fromMs, untilMs };
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The instant of a local date and time in `timezone` (or of its own UTC offset, as a YAML timestamp
 * with one arrives). A local time that a spring change skips is moved forward by the gap (02:30
 * becomes 03:30), one that an autumn change repeats is its first occurrence: Temporal's
 * 'compatible' choice, and java.time's.
 */
function parseLocalDateTime(value: unknown, timezone: string): number | null {
  if (typeof value !== 'string') return null;
  const match = LOCAL_DATE_TIME.exec(value.trim());
  if (!match) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0', offset] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || Number(second) > 59) return null;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, Number(second));
  if (new Date(asUtc).getUTCDate() !== d) return null;
  if (offset !== undefined) {
    if (offset === 'Z') return asUtc;
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    return asUtc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * MINUTE_MS;
  }
  // The offset at the instant itself decides, and that instant depends on the offset: try the
  // offsets an hour either side of the naive guess, the first that maps back to this local time wins.
  const candidates = [utcOffsetMinutes(asUtc - DAY_MS / 2, timezone), utcOffsetMinutes(asUtc, timezone), utcOffsetMinutes(asUtc + DAY_MS / 2, timezone)];
  const matches = [...new Set(candidates)].map((o) => asUtc - o * MINUTE_MS).filter((at) => utcOffsetMinutes(at, timezone) * MINUTE_MS + at === asUtc);
  if (matches.length > 0) return Math.min(...matches);
  // Skipped by a spring change: moved forward by the gap, with the offset from before it.
  return asUtc - (candidates[0] as number) * MINUTE_MS;
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
