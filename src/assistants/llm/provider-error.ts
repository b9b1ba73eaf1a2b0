/** Longest part of a provider's error message kept in a failure reason: enough to say what to fix. */
const MAX_PROVIDER_MESSAGE = 300;

/**
 * A failed call's reason with the provider's error message, which says what to fix (OpenAI-style
 * `{error: {message}}`: unknown model, quota...). The key is taken out before the message is cut: a key cut in
 * two would no longer be found.
 */
export function withProviderMessage(failure: { reason: string; errorBody?: string }, apiKey: string | undefined) {
  const message = providerErrorOf(failure.errorBody)?.message;
  if (message === undefined) return failure.reason;
  return `${failure.reason}: ${providerMessageText(message, apiKey)}`;
}

/** What an error answer says: its message, and the `type`, `code` and `param` of an OpenAI-style `{error: {...}}`. */
export interface ProviderError {
  message?: string;
  type?: unknown;
  code?: unknown;
  param?: unknown;
}

/** The error an answer's body holds; undefined when the body is not JSON. */
export function providerErrorOf(errorBody: string | undefined): ProviderError | undefined {
  if (errorBody === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(errorBody);
  } catch {
    return undefined;
  }
  const error = errorOf(body);
  const { type, code, param } = typeof error === 'object' && error !== null ? (error as ProviderError) : {};
  return { message: errorMessageOf(body), type, code, param };
}

/**
 * The message of an error answer: OpenAI-style `{error: {message}}`, or `{error: "..."}` as Ollama's and some
 * proxies' errors are, alone or in a list of one (`[{error: {...}}]`, Gemini's), or `{object: "error", message}`.
 * Undefined for anything else.
 */
export function errorMessageOf(json: unknown): string | undefined {
  const error = errorOf(json);
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : error;
  return typeof message === 'string' && message.trim() !== '' ? message.trim() : undefined;
}

/**
 * The `error` field of an answer's body, also when the body is a list of one error (Gemini's OpenAI-compatible API),
 * or the body itself when it is the error, marked `object: "error"` (older vLLM, TensorRT-LLM, FastChat).
 */
function errorOf(json: unknown): unknown {
  const body = Array.isArray(json) && json.length === 1 ? json[0] : json;
  if (typeof body !== 'object' || body === null) return undefined;
  return (body as { object?: unknown }).object === 'error' ? body : (body as { error?: unknown }).error;
}

/** A provider's message as a failure reason keeps it: the key taken out first, then cut. */
export function providerMessageText(message: string, apiKey: string | undefined): string {
  return redact(message, apiKey).slice(0, MAX_PROVIDER_MESSAGE);
}

/**
 * Keys as providers write them, whole or masked (`sk-proj-****abcd`): OpenAI, Anthropic and many others `sk-`, Groq
 * `gsk_`, xAI `xai-`, Google `AIza`; a bearer token; and a masked tail (`****abcd`) of any other.
 */
const KEY_SHAPES = /\b(sk-|gsk_|xai-|AIza)[^\s"',.]+|\b(Bearer )[^\s"',]+|\*{4,}[^\s"',.]*/g;

/** Providers echo (parts of) a wrong key in their error messages; none of it may reach logs or the inbox. */
export function redact(text: string, apiKey: string | undefined): string {
  const withoutKey = apiKey ? text.replaceAll(apiKey, '[redacted]') : text;
  return withoutKey.replace(KEY_SHAPES, (_, prefix = '', bearer = '') => `${prefix}${bearer}[redacted]`);
}
