import { z } from 'zod';
import { type GraphError, invalidParam } from './graph-errors.ts';

/** An http(s) URL in the control API and the seed: `z.url()` takes any scheme (`javascript:`, which a link would run). */
export const httpUrl = () => z.url({ protocol: /^https?$/ });

/** Length in characters (code points), the unit Facebook's limits are stated in. */
export function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function required(path: string): GraphError {
  return invalidParam(`The parameter ${path} is required`);
}

export function maxLength(path: string, max: number): GraphError {
  return invalidParam(`Length of param ${path} must be less than or equal to ${max}`);
}

export function tooMany(path: string, max: number): GraphError {
  return invalidParam(`param ${path} has too many elements (at most ${max})`);
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
