import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { httpUrl } from './http-url.ts';

const ASSISTANT_TYPES = ['flow', 'http', 'llm'] as const;
/** See `max_history`. */
const MAX_HISTORY = 1000;

/**
 * Which assistant answers a page. Chosen by `type`, so a mistake is reported on the key it concerns rather than as
 * "Invalid input"; each kind refuses keys it does not know. (A bare string in the file is read by `assistantFromString`.)
 */
export const assistantConfigSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('flow'), path: z.string().min(1) }).strict(),
    z
      .object({
        type: z.literal('http'),
        url: httpUrl('https://bot.example.com/turn'),
        /** Per attempt; at most a minute, since the person's next messages wait behind the turn. */
        timeout_ms: z.number().int().positive().max(60_000).default(10_000),
        retries: z.number().int().min(0).max(10).default(2),
        /** Anyone could sign with a short or empty one. */
        secret: z.string().min(16, 'use at least 16 random characters').optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('llm'),
        base_url: httpUrl('https://api.openai.com/v1'),
        model: z.string().min(1),
        /** Name of the environment variable holding the API key (the key itself never goes in the file). */
        api_key_env: z.string().optional(),
        instructions: z.string().default('You are a helpful assistant for this business. Answer briefly.'),
        /**
         * The session's last messages sent at each turn. At most 1,000: a history longer than the model's context is
         * halved at most ten times in one turn (llm-assistant.ts), which takes a thousand down to none.
         */
        max_history: z
          .number()
          .int()
          .min(0)
          .max(MAX_HISTORY, `use at most ${MAX_HISTORY} messages (the default is 20)`)
          .default(20),
        timeout_ms: z.number().int().positive().max(120_000).default(30_000),
        /** Sent only when set: the provider's defaults apply otherwise (reasoning models refuse a temperature). */
        temperature: z.number().min(0).max(2).optional(),
        max_tokens: z.number().int().positive().optional(),
      })
      .strict(),
  ],
  {
    error: (issue) => {
      if (issue.code === 'invalid_union') return `must be one of ${ASSISTANT_TYPES.join(', ')}`;
      if (issue.code === 'invalid_type')
        return `must be a flow file path, an http(s) bot URL, or a mapping with type: ${ASSISTANT_TYPES.join(', ')}`;
      return undefined;
    },
  },
);

export type AssistantConfig = z.infer<typeof assistantConfigSchema>;

/** `SWITCHBOARD_ASSISTANT` and the short form in the file: a flow path or a bot URL. */
export function assistantFromString(value: string): AssistantConfig {
  return /^https?:\/\//.test(value)
    ? { type: 'http', url: value, timeout_ms: 10_000, retries: 2 }
    : { type: 'flow', path: value };
}

/**
 * What is wrong with a flow assistant's file (missing, or not a file), or undefined. Checked when the configuration
 * loads, so a wrong path stops start-up instead of failing the page's turns. Relative paths are read from `cwd`.
 */
export function flowFileProblem(assistant: AssistantConfig | undefined, cwd: string): string | undefined {
  if (assistant?.type !== 'flow') return undefined;
  const stats = statSync(resolve(cwd, assistant.path), { throwIfNoEntry: false });
  if (stats?.isFile()) return undefined;
  const where = isAbsolute(assistant.path) ? '' : ` (relative paths are read from ${cwd})`;
  return `the flow file ${assistant.path} ${stats ? 'is not a file' : 'does not exist'}${where}; fix the path`;
}
