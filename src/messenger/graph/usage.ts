/**
 * Graph usage headers (messenger-platform.md §9): JSON strings whose values are percent of a limit,
 * throttled at 100.
 */

import { isRecord, toNumber } from './graph-json.ts';

/** The highest percent reported in each usage header, and how long until a throttled caller may call again. */
export interface GraphUsage {
  /** `X-App-Usage`: max of call_count, total_cputime, total_time. */
  app?: number;
  /** `X-Page-Usage`: same keys, for Page-token calls (often absent when usage is near 0). */
  page?: number;
  /** `X-Business-Use-Case-Usage`: max over every business id and every usage type. */
  business?: number;
  /** The largest `estimated_time_to_regain_access` (given in minutes), in ms; only set when above 0. */
  regain_access_ms?: number;
}

type Headers = Record<string, string | string[] | undefined>;

const PERCENT_KEYS = ['call_count', 'total_cputime', 'total_time'] as const;
const MINUTE_MS = 60_000;

/**
 * Reads X-App-Usage, X-Page-Usage and X-Business-Use-Case-Usage, in any letter case. A header that is
 * not valid JSON of the expected shape is ignored. Returns undefined when no usage could be read.
 */
export function parseUsageHeaders(headers: Headers): GraphUsage | undefined {
  const usage: GraphUsage = {};
  let regainMinutes = 0;
  const collect = (name: string, field: 'app' | 'page' | 'business', objects: (value: unknown) => unknown[]) => {
    for (const value of headerValues(headers, name)) {
      for (const item of objects(value)) {
        const percent = maxPercent(item);
        if (percent !== undefined) usage[field] = Math.max(usage[field] ?? 0, percent);
        regainMinutes = Math.max(regainMinutes, regainOf(item));
      }
    }
  };
  collect('x-app-usage', 'app', (v) => [v]);
  collect('x-page-usage', 'page', (v) => [v]);
  collect('x-business-use-case-usage', 'business', businessObjects);
  if (regainMinutes > 0) usage.regain_access_ms = regainMinutes * MINUTE_MS;
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** The parsed JSON of every value of a header (repeated headers arrive as arrays); malformed ones are dropped. */
function headerValues(headers: Headers, name: string): unknown[] {
  const values: unknown[] = [];
  for (const [key, raw] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || raw === undefined) continue;
    for (const text of Array.isArray(raw) ? raw : [raw]) {
      try {
        values.push(JSON.parse(text));
      } catch {
        // Malformed usage JSON tells us nothing; the call itself still counts.
      }
    }
  }
  return values;
}

/** `{"<business id>": [{type, call_count, ...}, ...], ...}` → the inner objects. */
function businessObjects(value: unknown): unknown[] {
  if (!isRecord(value)) return [];
  return Object.values(value).flatMap((list) => (Array.isArray(list) ? list : []));
}

function maxPercent(item: unknown): number | undefined {
  if (!isRecord(item)) return undefined;
  let max: number | undefined;
  for (const key of PERCENT_KEYS) {
    const n = toNumber(item[key]);
    if (n !== undefined) max = Math.max(max ?? 0, n);
  }
  return max;
}

function regainOf(item: unknown): number {
  if (!isRecord(item)) return 0;
  return toNumber(item.estimated_time_to_regain_access) ?? 0;
}
