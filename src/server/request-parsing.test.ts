import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pageSettingsSchema } from '../config/page-settings.ts';
import { ApiError } from './errors.ts';
import { parseRequest } from './request-parsing.ts';

/** The message `parseRequest` refuses `value` with. */
const refusal = (schema: z.ZodType, value: unknown): string => {
  try {
    parseRequest(schema, value);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'SB_BAD_REQUEST') return error.message;
    throw error;
  }
  throw new Error('expected SB_BAD_REQUEST');
};

describe('request parsing', () => {
  it('says what is wrong where, naming the field', () => {
    const body = z.object({ text: z.string().max(5) }).strict();
    expect(refusal(body, { text: 1 })).toBe('text: Invalid input: expected string, received number');
    expect(refusal(body, { text: 'hi', extra: 1 })).toBe('(body): Unrecognized key: "extra"');
    expect(refusal(body, { text: 'a\u0000' })).toBe('text: must not contain a NUL character (U+0000)');
  });

  it('never quotes the request at length: keys and values it names are cut, and few problems are listed', () => {
    const settings = pageSettingsSchema.partial().strict();
    const long = 'k'.repeat(100_000);
    const cutKey = `${'k'.repeat(39)}…`;
    expect(refusal(settings, { [long]: 1, [`${long}2`]: 2, a: 3, b: 4, c: 5 })).toBe(
      `(body): Unrecognized keys: "${cutKey}", "${cutKey}", "a" and 2 more`,
    );
    // A record's keys, and the value a message quotes (an unknown time zone).
    const days = refusal(settings, { business_hours: { time_zone: 'Europe/Paris', days: { [long]: [] } } });
    expect(days).toBe(`business_hours.days: Unrecognized key: "${cutKey}"`);
    const zone = refusal(settings, { business_hours: { time_zone: long, days: {} } });
    expect(zone).toMatch(/^business_hours: unknown time zone "k+…$/);
    expect(zone).toHaveLength(200);
    // Thousands of bad entries in a small body.
    const keywords = refusal(settings, { escalation_keywords: Array.from({ length: 5000 }, () => 0) });
    expect(keywords.split('; ')).toHaveLength(6);
    expect(keywords).toMatch(/^escalation_keywords\.0: Invalid input: .*; and 4995 more$/);
  });
});
