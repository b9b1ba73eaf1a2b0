/**
 * Wall-clock time in an IANA time zone with nothing but `Intl.DateTimeFormat`. An invalid zone throws a RangeError
 * (from Intl); check zones with `isValidTimeZone` when configuration is loaded.
 */

const DAY_MS = 86_400_000;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A local calendar day (month 1–12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalTime extends LocalDate {
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** Minutes since local midnight, 0–1439. */
  minutes: number;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at instant `at` (ms since the epoch). */
export function localTime(timeZone: string, at: number): LocalTime {
  const parts = fields(timeZone, at);
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    weekday: WEEKDAYS.indexOf(parts.weekday),
    minutes: parts.hour * 60 + parts.minute,
  };
}

/** The zone's offset from UTC at `at`, in ms (Paris in summer: +7 200 000). */
export function offsetAt(timeZone: string, at: number): number {
  const p = fields(timeZone, at);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
}

/**
 * The instants at which the wall clock shows `minutes` past midnight on `date`: one usually, two when clocks go
 * back (earliest first), none when that time is skipped as clocks go forward.
 */
export function instantsOf(timeZone: string, date: LocalDate, minutes: number): number[] {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  // Offsets a day either side are those before and after any change near this time (zones change at most twice a year).
  const offsets = new Set([offsetAt(timeZone, wall - DAY_MS), offsetAt(timeZone, wall + DAY_MS)]);
  return [...offsets]
    .map((offset) => wall - offset)
    .filter((at) => at + offsetAt(timeZone, at) === wall)
    .sort((a, b) => a - b);
}

/** Instants in (from, to] at which the zone's offset changes (daylight saving time starts or ends). */
export function offsetChanges(timeZone: string, from: number, to: number): number[] {
  const changes: number[] = [];
  for (let start = from; start < to; start += DAY_MS) {
    const end = Math.min(start + DAY_MS, to);
    const before = offsetAt(timeZone, start);
    if (offsetAt(timeZone, end) === before) continue;
    let lo = start;
    let hi = end;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(timeZone, mid) === before) lo = mid;
      else hi = mid;
    }
    changes.push(hi);
  }
  return changes;
}

/** The calendar day `days` after `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function fields(timeZone: string, at: number) {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: '' };
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') out.weekday = part.value;
    else if (part.type in out) (out as Record<string, number | string>)[part.type] = Number(part.value);
  }
  return out;
}
