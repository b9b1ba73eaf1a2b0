import { z } from 'zod';
import { ApiError } from './errors.ts';

/** The path of the first string in `value` that holds U+0000, or undefined when none does. */
function pathOfNul(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = pathOfNul(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/**
 * PostgreSQL cannot store U+0000 in text (error 22021) and no person types it, so it is refused in every request at
 * once, whatever field it hides in, before any schema of a route reads the request.
 */
const withoutNul = z.unknown().superRefine((value, ctx) => {
  const path = pathOfNul(value);
  if (path) ctx.addIssue({ code: 'custom', path, message: 'must not contain a NUL character (U+0000)' });
});

/**
 * Params, query or body of a request read with `schema`; anything else is refused with `SB_BAD_REQUEST` (400), whose
 * message lists the first few problems, each cut short: a key the request added or a value a message quotes (an
 * unknown time zone) is the request's own, of any length, and a body can hold thousands of bad entries.
 */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = withoutNul.pipe(schema).safeParse(value ?? {});
  if (result.success) return result.data;
  const { issues } = result.error;
  const listed = issues.slice(0, MAX_PROBLEMS_LISTED).map(describeIssue);
  const more = issues.length - listed.length;
  throw new ApiError('SB_BAD_REQUEST', `${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
}

/** The problems one answer lists; the others are counted. */
const MAX_PROBLEMS_LISTED = 5;
/** A key of the request an answer names, at most. */
const MAX_KEY_LENGTH = 40;
/** One problem as an answer says it, at most: room for the messages of the schemas and a short value they quote. */
const MAX_PROBLEM_LENGTH = 200;

/** `where: what` for one issue, the request's keys cut short; zod's message for unknown keys quotes them whole. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map((key) => cut(String(key), MAX_KEY_LENGTH)).join('.') || '(body)';
  if (issue.code !== 'unrecognized_keys') return cut(`${where}: ${issue.message}`, MAX_PROBLEM_LENGTH);
  const keys = issue.keys.map((key) => `"${cut(key, MAX_KEY_LENGTH)}"`);
  const named = keys.length > 3 ? `${keys.slice(0, 3).join(', ')} and ${keys.length - 3} more` : keys.join(', ');
  return `${where}: Unrecognized key${keys.length > 1 ? 's' : ''}: ${named}`;
}

/** `text` cut to `max` characters, with an ellipsis when it was longer; never half a surrogate pair. */
function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '')}…` : text;
}
