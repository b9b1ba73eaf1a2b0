/** zod schemas for the value of each step kind, turning YAML shorthands into normalised steps. */
import { z } from 'zod';
import type { Button, Card } from '../responses.ts';
import type { FlowStep } from './flow-types.ts';

/** Names the templates and conditions use for things that are not context variables. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['profile', 'input', 'attachment']);

const text = z.string().min(1);

/** Why a JavaScript regular expression does not compile with the flags the engine uses, or undefined. */
export function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'iu');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const pattern = z.string().superRefine((value, ctx) => {
  const problem = regexProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `does not compile (${problem})` });
});

export const variableName = z.string().superRefine((value, ctx) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be a name made of letters, digits and _ (like order_number)' });
  } else if (RESERVED_NAMES.has(value)) {
    ctx.addIssue({ code: 'custom', message: `cannot be "${value}": that name is reserved for templates` });
  }
});

/** A link or a media address Messenger can fetch: absolute http(s), unless a template fills it in at run time. */
const url = text.refine((u) => u.includes('{{') || (/^https?:\/\//i.test(u) && URL.canParse(u)), {
  message: 'must be an absolute http(s) URL, like https://shop.example/logo.png',
});

const choice = z.strictObject({ label: text, value: text });

const button = z
  .strictObject({ label: text, value: text.optional(), url: url.optional() })
  .refine((b) => (b.value === undefined) !== (b.url === undefined), {
    message: 'needs either "value" (a postback) or "url" (a link), not both',
  })
  .transform(
    (b): Button => (b.url !== undefined ? { label: b.label, url: b.url } : { label: b.label, value: b.value! }),
  );

export const cardSchema = z
  .strictObject({
    title: text,
    subtitle: text.optional(),
    image_url: url.optional(),
    buttons: z.array(button).max(3).optional(),
  })
  .transform((c): Card => c);

const media = (type: 'image' | 'video' | 'audio' | 'file') =>
  z
    .preprocess(
      (v) => (typeof v === 'string' ? { url: v } : v),
      z.strictObject({ url, title: text.optional(), description: text.optional() }),
    )
    .transform((m): FlowStep => ({ kind: 'media', type, ...m }));

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: 'should be text, a number, true or false (or null to remove it)',
});

/** Schemas for every step kind but `if`, which parse-steps.ts handles because it nests steps. */
export const STEP_SCHEMAS = {
  say: text.transform((t): FlowStep => ({ kind: 'say', text: t })),
  ask: z
    .strictObject({
      text,
      variable: variableName,
      pattern: pattern.optional(),
      retry: text.optional(),
      choices: z.array(choice).min(1).max(13).optional(),
      max_retries: z.number().int().min(0).max(20).optional(),
      on_fail: text.optional(),
    })
    .transform((a): FlowStep => ({ kind: 'ask', ...a, max_retries: a.max_retries ?? 3 })),
  options: z
    .strictObject({ text, choices: z.array(choice).min(1), variable: variableName.optional(), retry: text.optional() })
    .transform((o): FlowStep => ({ kind: 'options', ...o })),
  image: media('image'),
  video: media('video'),
  audio: media('audio'),
  file: media('file'),
  card: cardSchema.transform((card): FlowStep => ({ kind: 'card', card })),
  carousel: z
    .preprocess(
      (v) => (Array.isArray(v) ? { cards: v } : v),
      z.strictObject({ cards: z.array(cardSchema).min(1).max(10) }),
    )
    .transform((c): FlowStep => ({ kind: 'carousel', cards: c.cards })),
  pause: z
    .preprocess(
      (v) => (typeof v === 'number' ? { ms: v } : v),
      z.strictObject({ ms: z.number().int().min(0).max(60_000), typing: z.boolean().optional() }),
    )
    .transform((p): FlowStep => ({ kind: 'pause', ms: p.ms, typing: p.typing ?? true })),
  connect_to_agent: z
    .preprocess(
      (v) => (v === true || v === null ? {} : typeof v === 'string' ? { message: v } : v),
      z.strictObject({ message: text.optional(), reason: text.optional() }),
    )
    .transform((c): FlowStep => ({ kind: 'connect_to_agent', ...c })),
  set: z
    .record(z.string(), scalar)
    .superRefine((values, ctx) => {
      if (Object.keys(values).length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one variable' });
      for (const name of Object.keys(values)) {
        const result = variableName.safeParse(name);
        if (!result.success) ctx.addIssue({ code: 'custom', path: [name], message: result.error.issues[0]!.message });
      }
    })
    .transform((values): FlowStep => ({ kind: 'set', values })),
  goto: text.transform((action): FlowStep => ({ kind: 'goto', action })),
  end: z
    .union([z.literal(true), z.null()], { error: 'takes no value: write `- end` (or `end: true`)' })
    .transform((): FlowStep => ({ kind: 'end' })),
} as const;

export type SchemaStepKind = keyof typeof STEP_SCHEMAS;

/** Every key that can start a step, for "unknown step" hints. */
export const STEP_KEYS: readonly string[] = [...Object.keys(STEP_SCHEMAS), 'if'];
