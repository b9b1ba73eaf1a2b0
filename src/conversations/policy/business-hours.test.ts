import { describe, expect, it } from 'vitest';
import { type BusinessHours, checkBusinessHours, isOpen, nextOpening, parseRange } from './business-hours.ts';

const utc = (iso: string) => Date.parse(`${iso}Z`);
const weekdays = (ranges: string[]) => ({ mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges });
const hours = (time_zone: string, days: Partial<Record<keyof BusinessHours['days'], string[]>>) =>
  ({ time_zone, days }) as BusinessHours;

const paris = hours('Europe/Paris', weekdays(['09:00-12:30', '13:30-17:30']));
const newYork = hours('America/New_York', weekdays(['09:00-17:00']));

describe('isOpen', () => {
  it('is always open without business hours', () => {
    expect(isOpen(undefined, utc('2025-06-01T03:00'))).toBe(true);
  });

  it.each([
    ['2025-06-02T06:59:59', false, 'Monday 08:59:59 in Paris (UTC+2)'],
    ['2025-06-02T07:00', true, 'Monday 09:00'],
    ['2025-06-02T10:29', true, 'Monday 12:29'],
    ['2025-06-02T10:30', false, 'Monday 12:30, lunch'],
    ['2025-06-02T11:30', true, 'Monday 13:30'],
    ['2025-06-02T15:30', false, 'Monday 17:30'],
    ['2025-06-07T10:00', false, 'Saturday'],
    ['2025-01-06T08:00', true, 'Monday 09:00 in winter (UTC+1)'],
    ['2025-01-06T07:59', false, 'Monday 08:59 in winter'],
  ])('Paris at %s UTC is open: %s (%s)', (at, open) => {
    expect(isOpen(paris, utc(at))).toBe(open);
  });

  it.each([
    ['2025-06-02T12:59', false, 'Monday 08:59 EDT'],
    ['2025-06-02T13:00', true, 'Monday 09:00 EDT'],
    ['2025-06-02T20:59', true, 'Monday 16:59 EDT'],
    ['2025-06-02T21:00', false, 'Monday 17:00 EDT'],
    ['2025-12-01T14:00', true, 'Monday 09:00 EST'],
    ['2025-12-01T13:59', false, 'Monday 08:59 EST'],
    ['2025-06-06T20:59', true, 'Friday 16:59 EDT'],
    ['2025-06-09T00:30', false, 'Sunday 20:30 EDT, already Monday in UTC'],
  ])('New York at %s UTC is open: %s (%s)', (at, open) => {
    expect(isOpen(newYork, utc(at))).toBe(open);
  });

  it('uses the local weekday when it differs from the UTC one', () => {
    const tokyo = hours('Asia/Tokyo', { mon: ['08:00-10:00'] });
    expect(isOpen(tokyo, utc('2025-06-01T23:30'))).toBe(true); // Monday 08:30 in Tokyo, Sunday in UTC
    expect(isOpen(tokyo, utc('2025-06-02T23:30'))).toBe(false); // Tuesday 08:30 in Tokyo
  });

  it('handles zones with half-hour offsets', () => {
    const kolkata = hours('Asia/Kolkata', { mon: ['09:00-17:00'] });
    expect(isOpen(kolkata, utc('2025-06-02T03:29'))).toBe(false);
    expect(isOpen(kolkata, utc('2025-06-02T03:30'))).toBe(true);
  });
});

describe('ranges across midnight', () => {
  const bar = hours('Europe/Paris', { fri: ['22:00-02:00'], sun: ['23:00-01:00'] });

  it.each([
    ['2025-06-06T19:59', false, 'Friday 21:59'],
    ['2025-06-06T20:00', true, 'Friday 22:00'],
    ['2025-06-06T23:59', true, 'Saturday 01:59'],
    ['2025-06-07T00:00', false, 'Saturday 02:00'],
    ['2025-06-05T21:00', false, 'Thursday 23:00: Thursday has no hours'],
    ['2025-06-08T22:30', true, 'Monday 00:30, from Sunday across the week boundary'],
    ['2025-06-08T23:00', false, 'Monday 01:00'],
  ])('at %s UTC is open: %s (%s)', (at, open) => {
    expect(isOpen(bar, utc(at))).toBe(open);
  });

  it('treats 00:00-24:00 as the whole day and equal bounds as 24 hours', () => {
    const allDay = hours('Europe/Paris', { mon: ['00:00-24:00'] });
    expect(isOpen(allDay, utc('2025-06-01T22:00'))).toBe(true); // Monday 00:00
    expect(isOpen(allDay, utc('2025-06-02T21:59'))).toBe(true); // Monday 23:59
    expect(isOpen(allDay, utc('2025-06-02T22:00'))).toBe(false); // Tuesday 00:00
    const roundTheClock = hours('Europe/Paris', { mon: ['09:00-09:00'] });
    expect(isOpen(roundTheClock, utc('2025-06-03T06:59'))).toBe(true); // Tuesday 08:59
    expect(isOpen(roundTheClock, utc('2025-06-03T07:00'))).toBe(false); // Tuesday 09:00
  });
});

describe('daylight saving time', () => {
  // Paris: 2025-03-30 at 01:00 UTC clocks go 02:00 → 03:00; 2025-10-26 at 01:00 UTC they go 03:00 → 02:00.
  it('opens at 09:00 local on the Sunday clocks go forward in Paris', () => {
    const sunday = hours('Europe/Paris', { sun: ['09:00-17:00'] });
    expect(isOpen(sunday, utc('2025-03-30T06:59'))).toBe(false);
    expect(isOpen(sunday, utc('2025-03-30T07:00'))).toBe(true);
    expect(nextOpening(sunday, utc('2025-03-29T12:00'))).toBe(utc('2025-03-30T07:00'));
  });

  it('opens at the change when the opening time is skipped in Paris', () => {
    const night = hours('Europe/Paris', { sun: ['02:30-04:00'] });
    expect(isOpen(night, utc('2025-03-30T00:59:59'))).toBe(false); // 01:59:59 CET
    expect(isOpen(night, utc('2025-03-30T01:00'))).toBe(true); // 03:00 CEST
    expect(nextOpening(night, utc('2025-03-29T20:00'))).toBe(utc('2025-03-30T01:00'));
  });

  it('opens at 09:00 local on the Sunday clocks go back in Paris', () => {
    const sunday = hours('Europe/Paris', { sun: ['09:00-17:00'] });
    expect(isOpen(sunday, utc('2025-10-26T07:59'))).toBe(false);
    expect(isOpen(sunday, utc('2025-10-26T08:00'))).toBe(true);
    expect(nextOpening(sunday, utc('2025-10-25T12:00'))).toBe(utc('2025-10-26T08:00'));
  });

  it('is open both times a repeated hour comes round in Paris, and reopens at the change', () => {
    const night = hours('Europe/Paris', { sun: ['01:30-02:15'] });
    expect(isOpen(night, utc('2025-10-25T23:30'))).toBe(true); // 01:30 CEST
    expect(isOpen(night, utc('2025-10-26T00:10'))).toBe(true); // 02:10 CEST
    expect(isOpen(night, utc('2025-10-26T00:30'))).toBe(false); // 02:30 CEST
    expect(isOpen(night, utc('2025-10-26T01:10'))).toBe(true); // 02:10 CET, the second time
    expect(nextOpening(night, utc('2025-10-26T00:30'))).toBe(utc('2025-10-26T01:00'));
  });

  it('opens at the first of two 01:30s in New York', () => {
    // 2025-11-02 at 06:00 UTC clocks go 02:00 EDT → 01:00 EST.
    const night = hours('America/New_York', { sun: ['01:30-03:00'] });
    expect(nextOpening(night, utc('2025-11-01T12:00'))).toBe(utc('2025-11-02T05:30'));
    expect(isOpen(night, utc('2025-11-02T05:59'))).toBe(true); // 01:59 EDT
    expect(isOpen(night, utc('2025-11-02T06:15'))).toBe(false); // 01:15 EST: the clock went back before 01:30
    expect(nextOpening(night, utc('2025-11-02T06:15'))).toBe(utc('2025-11-02T06:30'));
    expect(isOpen(night, utc('2025-11-02T07:59'))).toBe(true); // 02:59 EST
    expect(isOpen(night, utc('2025-11-02T08:00'))).toBe(false);
  });

  it('skips a range that lies wholly in the hour New York skips', () => {
    // 2025-03-09 at 07:00 UTC clocks go 02:00 EST → 03:00 EDT, so 02:00-03:00 never happens that day.
    const night = hours('America/New_York', { sun: ['02:00-03:00'] });
    expect(isOpen(night, utc('2025-03-09T07:00'))).toBe(false);
    expect(nextOpening(night, utc('2025-03-09T05:00'))).toBe(utc('2025-03-16T06:00'));
  });

  it('finds Monday 09:00 New York time across the change to summer time', () => {
    expect(nextOpening(newYork, utc('2025-03-07T23:00'))).toBe(utc('2025-03-10T13:00'));
  });
});

describe('nextOpening', () => {
  it('is now when open or when there are no hours', () => {
    const at = utc('2025-06-02T08:00');
    expect(nextOpening(paris, at)).toBe(at);
    expect(nextOpening(undefined, at)).toBe(at);
  });

  it.each([
    ['2025-06-02T05:00', '2025-06-02T07:00', 'Monday early → 09:00'],
    ['2025-06-02T10:45', '2025-06-02T11:30', 'lunch → 13:30'],
    ['2025-06-06T16:00', '2025-06-09T07:00', 'Friday evening → Monday 09:00'],
    ['2025-06-07T12:00', '2025-06-09T07:00', 'Saturday → Monday 09:00'],
  ])('from %s UTC is %s UTC (%s)', (from, expected) => {
    expect(nextOpening(paris, utc(from))).toBe(utc(expected));
  });

  it('finds a range a full week ahead', () => {
    const onceAWeek = hours('Europe/Paris', { mon: ['09:00-10:00'] });
    expect(nextOpening(onceAWeek, utc('2025-06-02T08:00'))).toBe(utc('2025-06-09T07:00'));
  });

  it('is undefined when no day has hours', () => {
    expect(nextOpening(hours('Europe/Paris', {}), utc('2025-06-02T08:00'))).toBeUndefined();
    expect(nextOpening(hours('Europe/Paris', { mon: [], tue: ['bad'] }), utc('2025-06-02T08:00'))).toBeUndefined();
  });
});

describe('configured ranges', () => {
  it.each([
    ['09:00-17:30', { start: 540, end: 1050 }],
    ['22:00-02:00', { start: 1320, end: 120 }],
    ['00:00-24:00', { start: 0, end: 1440 }],
    ['24:00-01:00', undefined],
    ['09:60-10:00', undefined],
    ['9:00-17:00', undefined],
    ['10:00-24:30', undefined],
  ])('parses %s', (text, range) => {
    expect(parseRange(text)).toEqual(range);
  });

  it('explains an unknown time zone or a malformed range', () => {
    expect(checkBusinessHours(paris)).toEqual({ ok: true });
    expect(checkBusinessHours(hours('Mars/Olympus', {}))).toMatchObject({ ok: false, reason: /unknown time zone/ });
    expect(checkBusinessHours(hours('UTC', { tue: ['25:00-26:00'] }))).toEqual({
      ok: false,
      reason: 'tue: "25:00-26:00" is not a range like "09:00-17:30"',
    });
  });
});
