import type { Dispatcher } from 'undici';
import { type Assistant, type AssistantReply, type AssistantTurn, turnScope } from '../assistant.ts';
import { type AssistantLogger, silentLogger } from '../http/assistant-logger.ts';
import { fallbackReply } from '../http/fallback-reply.ts';
import { defaultBudgetMs, type PostJsonResult, postJson } from '../http/post-json.ts';
import type { RetryDelayOptions } from '../http/retry-delay.ts';
import { sharedAgent } from '../http/shared-agent.ts';
import { splitCredentials } from '../http/url-credentials.ts';
import { interpretCompletion } from './chat-completion.ts';
import { buildChatRequest, type ChatCompletionRequest, type ChatRequestOptions } from './chat-request.ts';
import { isContextOverflow } from './context-overflow.ts';
import { isExhaustedQuota } from './exhausted-quota.ts';
import { errorMessageOf, providerMessageText, redact, withProviderMessage } from './provider-error.ts';
import { adaptationFor, REQUEST_ADAPTATIONS, type RequestAdaptation } from './refused-parameter.ts';

export interface LlmAssistantOptions {
  /**
   * Base of an OpenAI-compatible API, such as `https://api.openai.com/v1`; `/chat/completions` is appended. A user and
   * password in it (a proxy's) are sent as Basic auth, unless `apiKey` is set.
   */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer …` when set. The caller reads it from the environment; it is never logged. */
  apiKey?: string;
  /** The page's system prompt. The person's first name and the page name are added after it. */
  instructions: string;
  /** Messages of the session's history sent with each turn. Default 20: enough context, bounded cost. */
  maxHistory?: number;
  /**
   * Sampling temperature; omitted from the request (the server's default) unless set, and from then on once the server
   * refuses it (OpenAI's reasoning models take only their default).
   */
  temperature?: number;
  /**
   * Sent as `max_tokens` when set, to bound the cost of one answer; omitted (the server's default) unless set.
   * An answer cut at the limit loses its unfinished last sentence. Sent as `max_completion_tokens` once the server
   * refuses `max_tokens` and names that one (OpenAI's reasoning models).
   */
  maxTokens?: number;
  /**
   * Limit of one attempt. Default 30 000 ms: models are slower than bots, but a person is waiting.
   * The whole turn, retries and waits included, takes at most 1.5 × this.
   */
  timeoutMs?: number;
  /**
   * Retries after a network error, a 5xx (but 504 and 524) or a 429 (with back-off and jitter), but not after a 429
   * that says the account's quota is used up: that lasts until someone pays. Default 2.
   */
  retries?: number;
  retryDelay?: RetryDelayOptions;
  /** The page's fallback text, sent to the person when the model fails (read each time: settings change at run time). */
  fallbackText: () => string;
  /** Longer answers become several messages. Default 640 characters: a screenful on a phone. */
  maxMessageLength?: number;
  /** Extra request headers some providers want (organisation, project, referer). Never logged. */
  headers?: Record<string, string>;
  /** Connection pool; default one keep-alive agent shared by all assistants. */
  dispatcher?: Dispatcher;
  logger?: AssistantLogger;
}

/** What is logged, once, when the model's server refuses a parameter and the requests change for it. */
const ADAPTATION_NOTICES: Record<RequestAdaptation, string> = {
  max_completion_tokens: 'the model refuses max_tokens: the limit is sent as max_completion_tokens from now on',
  no_tools: 'the model refuses tools: it answers from now on without the connect_to_agent hand-over',
  no_temperature: "the model refuses the temperature: it answers from now on at the server's default",
};

/**
 * A model behind any OpenAI-compatible Chat Completions endpoint. It keeps no context of its own: each turn
 * sends the system prompt, the recent history and the new input, with one tool, `connect_to_agent`.
 * Whatever goes wrong, the person gets the fallback text and the reply carries `failure`.
 * If `turn.signal` aborts, `reply` rejects with its reason.
 */
export function createLlmAssistant(options: LlmAssistantOptions): Assistant {
  // A bad base URL fails at start-up, not on the first message.
  const { url, authorization } = splitCredentials(completionsUrl(options.baseUrl));
  const logger = options.logger ?? silentLogger;
  const maxMessageLength = options.maxMessageLength ?? 640;
  const headers: Record<string, string> = {
    ...(authorization && { authorization }),
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
    'content-type': 'application/json',
    accept: 'application/json',
  };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  function fail(turn: AssistantTurn, reason: string): AssistantReply {
    const safeReason = redact(reason, options.apiKey);
    logger.warn(
      { ...turnScope(turn), assistant: 'llm', model: options.model, reason: safeReason },
      'the model failed; sent the fallback',
    );
    return fallbackReply(options.fallbackText(), safeReason);
  }

  const timeoutMs = options.timeoutMs ?? 30_000;
  /** What the server refused once (a 400 naming it) and is not sent to it again (`temperature: undefined`: none). */
  const learnt: Pick<ChatRequestOptions, 'tokenParameter' | 'tools' | 'temperature'> = {};

  async function ask(turn: AssistantTurn, budgetMs: number, maxHistory: number) {
    const request = buildChatRequest(turn, {
      model: options.model,
      instructions: options.instructions,
      maxHistory,
      temperature: options.temperature,
      maxTokens: options.maxTokens,
      ...learnt,
    });
    const result = await postJson({
      url,
      body: JSON.stringify(request),
      headers,
      dispatcher: options.dispatcher ?? sharedAgent(),
      timeoutMs,
      budgetMs,
      retries: options.retries ?? 2,
      isPermanentFailure: isExhaustedQuota,
      retryDelay: options.retryDelay,
      signal: turn.signal,
    });
    return { request, result };
  }

  /** Learns from a refusal of a parameter, and says so; false when the failure is no such refusal. */
  function learn(turn: AssistantTurn, result: PostJsonResult, request: ChatCompletionRequest): boolean {
    const adaptation = result.ok ? undefined : adaptationFor(result, request);
    if (adaptation === undefined) return false;
    switch (adaptation) {
      case 'max_completion_tokens':
        learnt.tokenParameter = 'max_completion_tokens';
        break;
      case 'no_tools':
        learnt.tools = false;
        break;
      case 'no_temperature':
        // Spread after the configured temperature in `ask`: it is left out.
        learnt.temperature = undefined;
        break;
    }
    logger.warn(
      { ...turnScope(turn), assistant: 'llm', model: options.model, adaptation },
      ADAPTATION_NOTICES[adaptation],
    );
    return true;
  }

  return {
    kind: 'llm',
    historyLength: (options.maxHistory ?? 20) || undefined,
    async reply(turn) {
      const budgetMs = defaultBudgetMs(timeoutMs);
      const deadline = Date.now() + budgetMs;
      let maxHistory = options.maxHistory ?? 20;
      let { request, result } = await ask(turn, budgetMs, maxHistory);
      // Sent again at once, within the turn's time: a 400 comes fast and did nothing on the server. Once for each
      // adaptation at most, as a model may refuse several (a reasoning model both max_tokens and temperature), and
      // with half the history each time the conversation is longer than the model's context.
      for (let again = 0; again < MAX_ASKED_AGAIN && !result.ok; again++) {
        const shorter = isContextOverflow(result) ? halfHistory(turn, maxHistory) : undefined;
        if (shorter !== undefined) maxHistory = shorter;
        else if (!learn(turn, result, request)) break;
        ({ request, result } = await ask(turn, Math.max(1, deadline - Date.now()), maxHistory));
      }
      if (maxHistory !== (options.maxHistory ?? 20)) {
        logger.warn(
          { ...turnScope(turn), assistant: 'llm', model: options.model, history: maxHistory },
          `the conversation is longer than the model's context: it was sent only the last ${maxHistory} messages`,
        );
      }
      if (!result.ok) return fail(turn, withProviderMessage(result, options.apiKey));
      // Some proxies and routers answer 200 with an error in place of a completion (an upstream that failed).
      const error = errorMessageOf(result.json);
      if (error !== undefined)
        return fail(turn, `the model's server answered with an error: ${providerMessageText(error, options.apiKey)}`);
      const outcome = interpretCompletion(result.json, { maxMessageLength, language: turn.contact.profile.locale });
      if (!outcome.ok) return fail(turn, outcome.reason);
      for (const warning of outcome.warnings) {
        logger.warn(
          { ...turnScope(turn), assistant: 'llm', model: options.model, warning },
          'the model answer needed fixing',
        );
      }
      return { responses: outcome.responses };
    },
  };
}

/** Each adaptation once, and the history halved down to none (from a thousand messages). */
const MAX_ASKED_AGAIN = REQUEST_ADAPTATIONS.length + 10;

/** Half the history sent, or undefined when none was: the new input alone is too long, a shorter history cannot help. */
function halfHistory(turn: AssistantTurn, maxHistory: number): number | undefined {
  const sent = Math.min(maxHistory, turn.history.length);
  return sent > 0 ? Math.floor(sent / 2) : undefined;
}

/** `{baseUrl}/chat/completions`, the path added before any query of the base URL (Azure OpenAI's `api-version`). */
function completionsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  return url.href;
}
