import type { Context } from '../assistant.ts';
import { checkGenericResponses } from '../generic-response-schema.ts';
import type { GenericResponse } from '../responses.ts';

export type BotReplyCheck =
  | {
      ok: true;
      responses: GenericResponse[];
      /** Undefined when the bot sent none (or null): the context stays as it was. */
      context: Context | undefined;
      dropped: { index: number; reason: string }[];
    }
  | { ok: false; reason: string };

/**
 * Checks a bot's answer, `{responses: [...], context?: {...}}`. Invalid responses are dropped one by one;
 * the answer as a whole fails when its shape is wrong or when every response it had was invalid
 * (the person would otherwise get nothing and nobody would know). An empty `responses` list is a valid
 * choice to stay silent.
 */
export function checkBotReply(json: unknown): BotReplyCheck {
  if (!isRecord(json)) return { ok: false, reason: 'invalid answer: expected a JSON object {responses, context?}' };
  const { responses, context } = json;
  if (!Array.isArray(responses)) return { ok: false, reason: 'invalid answer: "responses" must be an array' };
  if (context !== undefined && context !== null && !isRecord(context)) {
    return { ok: false, reason: 'invalid answer: "context" must be an object' };
  }
  const checked = checkGenericResponses(responses);
  if (checked.responses.length === 0 && checked.dropped.length > 0) {
    const first = checked.dropped[0]?.reason ?? '';
    return { ok: false, reason: `invalid answer: no valid response (first: ${first})` };
  }
  return { ok: true, responses: checked.responses, context: context ?? undefined, dropped: checked.dropped };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
