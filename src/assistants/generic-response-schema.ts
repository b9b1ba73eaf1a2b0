/**
 * Zod schemas of the generic responses (design.md §4), used to check what external bots and models return
 * before anything reaches a person. The types in `responses.ts` stay the source of truth: every parse result
 * is assigned to `GenericResponse`, so the compiler catches a schema that drifts from them.
 */
import { z } from 'zod';
import { cutToFit, graphemes } from '../text/text-units.ts';
import type { GenericResponse } from './responses.ts';

const RESPONSE_TYPES = 'text, image, video, audio, file, option, card, carousel, pause, connect_to_agent';
// Checked, not trimmed: values go back to the bot as they were sent.
const text = z.string().refine((value) => value.trim() !== '', 'must not be blank');
const webUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const choiceSchema = z.object({ label: text, value: text });
const buttonSchema = z.union([z.object({ label: text, value: text }), z.object({ label: text, url: webUrl })], {
  error: 'a button needs a label and either a value or an http(s) url',
});
const cardSchema = z.object({
  title: text,
  subtitle: z.string().optional(),
  image_url: webUrl.optional(),
  buttons: z.array(buttonSchema).optional(),
});

/** One generic response. Unknown fields are stripped; `pause.typing` defaults to true. */
export const genericResponseSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('text'), text }),
    z.object({
      type: z.enum(['image', 'video', 'audio', 'file']),
      url: webUrl,
      title: z.string().optional(),
      description: z.string().optional(),
    }),
    z.object({
      type: z.literal('option'),
      title: text,
      description: z.string().optional(),
      options: z.array(choiceSchema).min(1, 'needs at least one option'),
    }),
    cardSchema.extend({ type: z.literal('card') }),
    z.object({ type: z.literal('carousel'), cards: z.array(cardSchema).min(1, 'needs at least one card') }),
    // A pause over a minute is almost certainly a unit mistake (seconds given as milliseconds).
    z.object({ type: z.literal('pause'), ms: z.int().min(0).max(60_000), typing: z.boolean().default(true) }),
    z.object({ type: z.literal('connect_to_agent'), message: z.string().optional(), reason: z.string().optional() }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${RESPONSE_TYPES}` : undefined) },
);

export type ResponseCheck = { ok: true; response: GenericResponse } | { ok: false; reason: string };

/** Checks one response; the reason names the fields at fault, in words a bot developer can act on. */
export function checkGenericResponse(value: unknown): ResponseCheck {
  const result = genericResponseSchema.safeParse(value);
  if (!result.success) {
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    // A type of a known length: the reason is logged, and stored in the flag of an answer with no valid response.
    const prefix = typeof type === 'string' ? `${shortType(type)}: ` : '';
    return { ok: false, reason: `${prefix}${describeIssues(result.error.issues)}` };
  }
  const response: GenericResponse = result.data;
  return { ok: true, response };
}

/** A list checked response by response: the valid ones, and why each other one was dropped. */
export interface ResponseListCheck {
  responses: GenericResponse[];
  dropped: { index: number; reason: string }[];
  /** Hand-overs kept without their invalid fields, by index, with what was wrong. */
  repaired: { index: number; reason: string }[];
}

/**
 * Checks each response on its own, so one bad response does not cost the person the others. A hand-over with an
 * invalid `message` or `reason` (a number, an object) is kept without it: dropped, the person would stay with a bot
 * that asked for a colleague, and nothing in the inbox would say so.
 */
export function checkGenericResponses(values: readonly unknown[]): ResponseListCheck {
  const checked: ResponseListCheck = { responses: [], dropped: [], repaired: [] };
  values.forEach((value, index) => {
    const check = checkGenericResponse(value);
    if (check.ok) checked.responses.push(check.response);
    else if (isHandOver(value)) {
      checked.responses.push(bareHandOver(value));
      checked.repaired.push({ index, reason: check.reason });
    } else checked.dropped.push({ index, reason: check.reason });
  });
  return checked;
}

function isHandOver(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'connect_to_agent';
}

/** A hand-over with only the fields that are text: its two fields are optional, so nothing else can be wrong. */
function bareHandOver(value: Record<string, unknown>): GenericResponse {
  const { message, reason } = value;
  return {
    type: 'connect_to_agent',
    ...(typeof message === 'string' && { message }),
    ...(typeof reason === 'string' && { reason }),
  };
}

function shortType(type: string): string {
  return type.length > 40 ? `${cutToFit(graphemes(type.slice(0, 41)), 40)}…` : type;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')} ${issue.message}` : issue.message))
    .join('; ');
}
