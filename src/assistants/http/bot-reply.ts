import type { Context } from '../assistant.ts';
import { checkGenericResponses } from '../generic-response-schema.ts';
import type { GenericResponse } from '../responses.ts';
import { withinTurnLimits } from './turn-limits.ts';

export type BotReplyCheck =
  | {
      ok: true;
      responses: GenericResponse[];
      /** Undefined when the bot sent none (or null): the context stays as it was. */
      context: Context | undefined;
      /** Why responses were dropped, by index; past the first READ_LIMIT, one entry stands for those not read. */
      dropped: { index: number; reason: string }[];
      /** How many responses were dropped in all. */
      droppedCount: number;
      /** Hand-overs kept without their invalid fields. */
      repaired: { index: number; reason: string }[];
    }
  | { ok: false; reason: string };

/**
 * Checks a bot's answer, `{responses: [...], context?: {...}}`. Invalid responses are dropped one by one;
 * the answer as a whole fails when its shape is wrong or when none of its responses is left, each invalid or over
 * the limits of a turn (the person would otherwise get nothing and nobody would know). An empty `responses` list is
 * a valid choice to stay silent.
 */
export function checkBotReply(json: unknown): BotReplyCheck {
  if (!isRecord(json)) return { ok: false, reason: 'invalid answer: expected a JSON object {responses, context?}' };
  const { responses, context } = json;
  if (!Array.isArray(responses)) return { ok: false, reason: 'invalid answer: "responses" must be an array' };
  if (context !== undefined && context !== null && !isRecord(context)) {
    return { ok: false, reason: 'invalid answer: "context" must be an object' };
  }
  // The gateway stores it as JSON: one nested too deeply to write again would fail the turn after the bot answered.
  if (!storable(context)) return { ok: false, reason: 'invalid answer: "context" is nested too deeply to store' };
  const read = readPart(responses);
  const checked = checkGenericResponses(read.map((i) => responses[i]));
  // By their index in the answer.
  for (const entry of [...checked.dropped, ...checked.repaired]) entry.index = read[entry.index] as number;
  if (read.length < responses.length) {
    const index = read.includes(READ_LIMIT) ? READ_LIMIT + 1 : READ_LIMIT;
    const unread = responses.length - read.length;
    checked.dropped.push({ index, reason: `one of ${unread} responses past the first ${READ_LIMIT}, not read` });
  }
  const kept = withinTurnLimits(read, checked.responses, checked.dropped);
  if (kept.length === 0 && checked.dropped.length > 0) {
    const first = checked.dropped[0]?.reason ?? '';
    return { ok: false, reason: `invalid answer: no valid response (first: ${first})` };
  }
  return {
    ok: true,
    responses: kept,
    context: context ?? undefined,
    dropped: checked.dropped,
    droppedCount: responses.length - kept.length,
    repaired: checked.repaired,
  };
}

/**
 * Responses past these are not checked, but for the first hand-over among them: a turn sends 25, and checking the
 * hundreds of thousands a bot's bug can fit in the 1 MiB of an answer held up every conversation's turn for seconds.
 */
const READ_LIMIT = 100;

/** The indexes of the responses that are checked: the first READ_LIMIT, and the first hand-over after them. */
function readPart(responses: unknown[]): number[] {
  const read = [...Array(Math.min(responses.length, READ_LIMIT)).keys()];
  const handOver = responses.findIndex((r, i) => i >= READ_LIMIT && isRecord(r) && r.type === 'connect_to_agent');
  if (handOver >= 0) read.push(handOver);
  return read;
}

function storable(context: unknown): boolean {
  try {
    JSON.stringify(context);
    return true;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
