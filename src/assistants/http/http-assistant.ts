import type { Dispatcher } from 'undici';
import {
  type Assistant,
  type AssistantInput,
  type AssistantReply,
  type AssistantTurn,
  type Context,
  type HistoryItem,
  turnScope,
} from '../assistant.ts';
import { type AssistantLogger, silentLogger } from './assistant-logger.ts';
import { SIGNATURE_HEADER, signBody } from './body-signature.ts';
import { checkBotReply } from './bot-reply.ts';
import { fallbackReply } from './fallback-reply.ts';
import { postJson } from './post-json.ts';
import type { RetryDelayOptions } from './retry-delay.ts';
import { sharedAgent } from './shared-agent.ts';
import { splitCredentials } from './url-credentials.ts';

/** Dropped responses logged one by one; the rest are counted. */
const LOGGED_DROPS = 5;

export interface HttpAssistantOptions {
  /** The bot's endpoint; Switchboard POSTs each turn to it. A user and password in it are sent as Basic auth. */
  url: string;
  /**
   * Limit of one attempt. Default 10 000 ms: longer and the person gives up; a timeout is not retried.
   * The whole turn, retries and waits included, takes at most 1.5 × this.
   */
  timeoutMs?: number;
  /** Retries after a network error, a 5xx (but 504 and 524) or a 429 (with back-off and jitter). Default 2. */
  retries?: number;
  retryDelay?: RetryDelayOptions;
  /** Extra request headers, such as the bot's own `authorization`. Never logged. */
  headers?: Record<string, string>;
  /** When set, each body is signed (`X-Switchboard-Signature-256: sha256=<hex HMAC>`) so the bot can verify us. */
  secret?: string;
  /** The page's fallback text, sent to the person when the bot fails (read each time: settings change at run time). */
  fallbackText: () => string;
  /** Connection pool; default one keep-alive agent shared by all assistants. */
  dispatcher?: Dispatcher;
  logger?: AssistantLogger;
}

/** What Switchboard POSTs to a bot on each turn (the `AssistantTurn` without history and signal). */
export interface HttpBotRequest {
  /** Same for every attempt at one turn (a retry after a 5xx or a reset): what a bot de-duplicates by. */
  turn_id?: string;
  /** When the turn asked (epoch ms; its retries repeat it), under the signature: a bot can refuse old requests replayed. */
  sent_at: number;
  conversation: AssistantTurn['conversation'];
  contact: AssistantTurn['contact'];
  page: AssistantTurn['page'];
  input: AssistantInput;
  /** The message the person replied to, when their message quotes one: who wrote it (`role`) and its `text`. */
  replying_to?: { role: HistoryItem['role']; text: string };
  context: Context;
}

/**
 * An external bot behind HTTP (design.md §3 "External bot"): it gets `{conversation, contact, page, input,
 * context}` and answers `{responses: [...], context?: {...}}`. Whatever goes wrong, the person gets the
 * fallback text and the reply carries `failure`. If `turn.signal` aborts, `reply` rejects with its reason.
 */
export function createHttpAssistant(options: HttpAssistantOptions): Assistant {
  const target = splitCredentials(options.url);
  const host = new URL(target.url).host;
  const logger = options.logger ?? silentLogger;
  const extraHeaders = {
    ...(target.authorization && { authorization: target.authorization }),
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
  };

  function fail(turn: AssistantTurn, reason: string): AssistantReply {
    logger.warn(
      { ...turnScope(turn), assistant: 'http', host, reason },
      'the bot failed; the person gets the fallback text',
    );
    return fallbackReply(options.fallbackText(), reason);
  }

  return {
    kind: 'http',
    async reply(turn) {
      const request: HttpBotRequest = {
        turn_id: turn.id,
        sent_at: Date.now(),
        conversation: turn.conversation,
        contact: turn.contact,
        page: turn.page,
        input: turn.input,
        ...(turn.replying_to && { replying_to: { role: turn.replying_to.role, text: turn.replying_to.text } }),
        context: turn.context,
      };
      const body = JSON.stringify(request);
      const headers: Record<string, string> = {
        ...extraHeaders,
        'content-type': 'application/json',
        accept: 'application/json',
      };
      if (options.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(options.secret, body);
      const result = await postJson({
        url: target.url,
        body,
        headers,
        dispatcher: options.dispatcher ?? sharedAgent(),
        timeoutMs: options.timeoutMs ?? 10_000,
        retries: options.retries ?? 2,
        retryDelay: options.retryDelay,
        signal: turn.signal,
      });
      if (!result.ok) return fail(turn, result.reason);
      // 204 No Content: the bot chose to say nothing this turn.
      const checked = checkBotReply(result.json === undefined ? { responses: [] } : result.json);
      if (!checked.ok) return fail(turn, checked.reason);
      // The first few said one by one; an answer of thousands of them is not thousands of lines.
      for (const { index, reason } of checked.dropped.slice(0, LOGGED_DROPS)) {
        logger.warn(
          { ...turnScope(turn), assistant: 'http', host, index, reason },
          'dropped an invalid response from the bot',
        );
      }
      for (const { index, reason } of checked.repaired.slice(0, LOGGED_DROPS)) {
        logger.warn(
          { ...turnScope(turn), assistant: 'http', host, index, reason },
          'kept a hand-over from the bot without its invalid fields',
        );
      }
      const logged = Math.min(checked.dropped.length, LOGGED_DROPS);
      if (checked.droppedCount > logged) {
        logger.warn(
          { ...turnScope(turn), assistant: 'http', host, dropped: checked.droppedCount },
          `dropped ${checked.droppedCount - logged} more responses from the bot`,
        );
      }
      return checked.context === undefined
        ? { responses: checked.responses }
        : { responses: checked.responses, context: checked.context };
    },
  };
}
