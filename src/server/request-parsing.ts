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

/** Params, query or body of a request read with `schema`; anything else is refused with `SB_BAD_REQUEST` (400). */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = withoutNul.pipe(schema).safeParse(value ?? {});
  if (result.success) return result.data;
  throw new ApiError(
    'SB_BAD_REQUEST',
    result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
  );
}
