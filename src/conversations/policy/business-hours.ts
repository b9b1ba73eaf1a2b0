import type { PageSettings } from '../../config/page-settings.ts';
import { addDays, instantsOf, isValidTimeZone, localTime, offsetChanges } from './zoned-time.ts';

/** A page's opening hours: an IANA time zone and, per weekday, "HH:MM-HH:MM" ranges in local wall-clock time. */
export type BusinessHours = NonNullable<PageSettings['business_hours']>;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const WEEK_MS = 7 * 86_400_000;

/** Minutes since midnight; `end <= start` means the range runs past midnight into the next day. */
interface Range {
  start: number;
  end: number;
}

/**
 * Parses "HH:MM-HH:MM". The start is included and the end excluded; "24:00" ends at midnight. A range whose end
 * is not after its start crosses midnight ("22:00-02:00" runs into the next day, "09:00-09:00" lasts 24 hours).
 * Undefined for anything else ("25:00-26:00", "9:00-17:00").
 */
export function parseRange(text: string): Range | undefined {
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(text);
  if (!m) return undefined;
  const [h1, m1, h2, m2] = m.slice(1).map(Number) as [number, number, number, number];
  if (h1 > 23 || m1 > 59 || m2 > 59 || h2 > 24 || (h2 === 24 && m2 > 0)) return undefined;
  return { start: h1 * 60 + m1, end: h2 * 60 + m2 };
}

/** Explains what is wrong with configured hours (unknown zone, malformed range), for configuration errors. */
export function checkBusinessHours(hours: BusinessHours): { ok: true } | { ok: false; reason: string } {
  if (!isValidTimeZone(hours.time_zone)) {
    return { ok: false, reason: `unknown time zone "${hours.time_zone}" (use an IANA name such as Europe/Paris)` };
  }
  for (const day of DAYS) {
    const bad = daysOf(hours)[day]?.find((range) => !parseRange(range));
    if (bad !== undefined) return { ok: false, reason: `${day}: "${bad}" is not a range like "09:00-17:30"` };
  }
  return { ok: true };
}

/**
 * True when the page is open at `at`, judged on the wall clock of its time zone, so daylight saving time needs no
 * special case: "09:00-17:30" opens at 09:00 local in summer and in winter. `undefined` hours mean always open.
 * Days left out are closed; malformed ranges are ignored (see checkBusinessHours). Throws a RangeError for an
 * unknown time zone.
 */
export function isOpen(hours: BusinessHours | undefined, at: number): boolean {
  if (!hours) return true;
  const now = localTime(hours.time_zone, at);
  const m = now.minutes;
  const today = rangesOn(hours, now.weekday);
  if (today.some((r) => (r.end > r.start ? m >= r.start && m < r.end : m >= r.start))) return true;
  return rangesOn(hours, (now.weekday + 6) % 7).some((r) => r.end <= r.start && m < r.end);
}

/**
 * The first instant at or after `at` when the page is open: `at` itself when open (or when there are no hours),
 * undefined when no day has a range. An opening time skipped when clocks go forward (02:30 on the night Paris
 * moves from 02:00 to 03:00) opens at the change; a time that happens twice when clocks go back opens at the first.
 */
export function nextOpening(hours: BusinessHours | undefined, at: number): number | undefined {
  if (!hours || isOpen(hours, at)) return at;
  const tz = hours.time_zone;
  const now = localTime(tz, at);
  const candidates = offsetChanges(tz, at, at + WEEK_MS + 86_400_000);
  for (let k = 0; k <= 7; k++) {
    const date = addDays(now, k);
    for (const range of rangesOn(hours, (now.weekday + k) % 7)) candidates.push(...instantsOf(tz, date, range.start));
  }
  const opening = candidates.filter((c) => c > at && isOpen(hours, c)).sort((a, b) => a - b)[0];
  return opening;
}

function daysOf(hours: BusinessHours): Partial<Record<(typeof DAYS)[number], string[]>> {
  return hours.days;
}

function rangesOn(hours: BusinessHours, weekday: number): Range[] {
  const day = DAYS[weekday];
  const texts = day ? (daysOf(hours)[day] ?? []) : [];
  return texts.map(parseRange).filter((r): r is Range => r !== undefined);
}
