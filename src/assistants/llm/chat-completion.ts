import { z } from 'zod';
import { splitText } from '../../text/split-text.ts';
import { cutToFit, graphemes } from '../../text/text-units.ts';
import { builtinPhrases } from '../flow/builtin-phrases.ts';
import { TURN_LIMITS } from '../http/turn-limits.ts';
import type { GenericResponse } from '../responses.ts';
import { CONNECT_TOOL_NAME, connectResponse } from './connect-tool.ts';
import { dropUnfinishedSentence } from './unfinished-sentence.ts';

/** The part of a Chat Completions answer we use; compatible servers differ in the rest, so it is not checked. */
const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({
          // Some compatible servers send content as parts, like the request format allows.
          content: z.union([z.string(), z.array(z.object({ text: z.string().optional() }))]).nullish(),
          refusal: z.string().nullish(),
          tool_calls: z
            // Arguments should be a JSON string; whatever they are, connectResponse still hands over. A call of another
            // type than a function (a custom tool) is not ours, and is ignored like an unknown function.
            .array(
              z.object({
                type: z.string().optional(),
                function: z.object({ name: z.string(), arguments: z.unknown() }).optional(),
              }),
            )
            .nullish(),
        }),
      }),
    )
    .min(1),
});

export type CompletionOutcome =
  | { ok: true; responses: GenericResponse[]; warnings: string[] }
  | { ok: false; reason: string };

export interface CompletionOptions {
  /** Longer texts become several messages. */
  maxMessageLength: number;
  /** The person's language or locale ("fr", "fr_FR") for what Switchboard says itself; English by default. */
  language?: string;
}

/**
 * Turns a Chat Completions answer into responses: the text (split into messages of at most
 * `maxMessageLength`), then a `connect_to_agent` when the model called the tool; a hand-over without text or
 * message gets the built-in "bringing in a colleague" message. An answer blocked by a content filter, or with
 * neither text nor hand-over, is a failure. An answer cut at the token limit loses its unfinished last
 * sentence, with a warning; one longer than a turn may send (TURN_LIMITS) loses its last messages.
 */
export function interpretCompletion(json: unknown, options: CompletionOptions): CompletionOutcome {
  const parsed = completionSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, reason: `invalid answer from the model: ${where}${issue?.message}` };
  }
  const [choice] = parsed.data.choices;
  if (choice === undefined) return { ok: false, reason: 'invalid answer from the model: no choice' };
  const finish = choice.finish_reason ?? 'unknown';
  if (finish === 'content_filter') return { ok: false, reason: "the model's answer was blocked by its content filter" };

  const warnings: string[] = [];
  // A refusal is the model's own words to the person; some servers send it with an empty content rather than none.
  let text = withoutThinking(contentText(choice.message.content) ?? '') || (choice.message.refusal?.trim() ?? '');
  // Mistral says `model_length` when the model's context ran out rather than `max_tokens`: cut all the same.
  const cut = finish === 'length' || finish === 'model_length';
  if (cut) {
    text = dropUnfinishedSentence(text);
    warnings.push('the answer reached the token limit and was cut');
  }
  text = withinTurnRoom(text, options.maxMessageLength, warnings);
  let responses: GenericResponse[] = splitText(text, { maxLength: options.maxMessageLength }).map((part) => ({
    type: 'text',
    text: part,
  }));

  const calls = choice.message.tool_calls ?? [];
  for (const call of calls.filter((c) => c.function?.name !== CONNECT_TOOL_NAME)) {
    warnings.push(`ignored a call of the unknown tool "${call.function?.name ?? call.type}"`);
  }
  const connect = calls.find((call) => call.function?.name === CONNECT_TOOL_NAME)?.function;
  if (connect !== undefined) {
    const { response, readable } = connectResponse(connect.arguments);
    if (!readable) warnings.push('the connect_to_agent arguments were unreadable');
    // The person reads it as text: no more of it than of the text.
    if (response.message !== undefined)
      response.message = withinTurnRoom(response.message, options.maxMessageLength, warnings);
    // Models often repeat the hand-over message as content; the person should read it once.
    if (response.message !== undefined && response.message === text.trim()) responses = [];
    // Models often leave out the optional message; a hand-over in silence leaves the person wondering.
    if (responses.length === 0 && response.message === undefined) {
      response.message = builtinPhrases(options.language ?? 'en').connecting;
    }
    responses.push(response);
  }
  if (responses.length === 0) {
    // Reasoning models spend their tokens thinking first: a low limit leaves nothing for the answer.
    const hint = cut ? ': it reached its token limit before answering (raise max_tokens)' : '';
    return { ok: false, reason: `the model gave an empty answer (finish: ${finish})${hint}` };
  }
  return { ok: true, responses: withinTurnLimit(responses, warnings), warnings };
}

const CUT_TO_TURN = `the answer was cut to the ${TURN_LIMITS.responses} messages a turn may send`;

/**
 * The start of an answer that the messages of one turn can hold, and one message more, so that the first messages are
 * those of the whole answer. Splitting it whole would only make more messages to drop, and takes seconds for a
 * megabyte on the one thread that runs every conversation's turn.
 */
function withinTurnRoom(text: string, maxMessageLength: number, warnings: string[]): string {
  const room = (TURN_LIMITS.responses + 1) * maxMessageLength;
  if (text.length <= room) return text;
  if (!warnings.includes(CUT_TO_TURN)) warnings.push(CUT_TO_TURN);
  return cutToFit(graphemes(text.slice(0, room + 1)), room);
}

/** At most the responses one turn may send, as for a bot: the first messages, and the hand-over, which comes last. */
function withinTurnLimit(responses: GenericResponse[], warnings: string[]): GenericResponse[] {
  if (responses.length <= TURN_LIMITS.responses) return responses;
  if (!warnings.includes(CUT_TO_TURN)) warnings.push(CUT_TO_TURN);
  const last = responses.at(-1);
  const handOver = last?.type === 'connect_to_agent' ? [last] : [];
  return [...responses.slice(0, TURN_LIMITS.responses - handOver.length), ...handOver];
}

function contentText(content: string | { text?: string }[] | null | undefined): string | undefined {
  if (content === null || content === undefined) return undefined;
  return typeof content === 'string' ? content : content.map((part) => part.text ?? '').join('');
}

/**
 * Reasoning models served by some compatible servers put their thinking in the content; the person must not see it.
 * Some chat templates (DeepSeek-R1's, QwQ's) open the block in the prompt: the content then holds only its end.
 */
function withoutThinking(text: string): string {
  const open = text.indexOf('<think>');
  const close = text.indexOf('</think>');
  const answer = close !== -1 && (open === -1 || close < open) ? text.slice(close + '</think>'.length) : text;
  return answer.replace(/<think>[\s\S]*?(<\/think>|$)/g, '').trim();
}
