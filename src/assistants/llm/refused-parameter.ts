import { errorMessageOf } from './provider-error.ts';

/** A change of the request that a server's refusal asks for: what it refused is not sent again. */
export type RequestAdaptation = 'max_completion_tokens' | 'no_tools';

/**
 * What to change after a `400` that refuses a parameter the request had, or undefined. Two refusals are common and
 * would fail every turn otherwise:
 * - OpenAI's reasoning models (o-series, gpt-5) refuse `max_tokens` and name `max_completion_tokens` instead, which
 *   many other compatible servers do not know: the limit is sent by that name from then on;
 * - a model served without tool support (many of Ollama's) refuses `tools`: it answers without the hand-over tool.
 * A 400 did nothing on the server, so sending the request again, changed, does nothing twice.
 */
export function adaptationFor(
  failure: { status?: number; errorBody?: string },
  sent: { max_tokens?: number; tools?: unknown },
): RequestAdaptation | undefined {
  if (failure.status !== 400 || failure.errorBody === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(failure.errorBody);
  } catch {
    return undefined;
  }
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  const { param, code } =
    typeof error === 'object' && error !== null ? (error as { param?: unknown; code?: unknown }) : {};
  const message = errorMessageOf(body) ?? '';
  const unsupported = code === 'unsupported_parameter';
  // Not a max_tokens over the model's limit (also param "max_tokens"): the other name would be refused the same.
  if (
    sent.max_tokens !== undefined &&
    ((unsupported && param === 'max_tokens') || message.includes('max_completion_tokens'))
  )
    return 'max_completion_tokens';
  if (
    sent.tools !== undefined &&
    ((unsupported && param === 'tools') || /does not support tools|tools? (is|are) not supported/i.test(message))
  )
    return 'no_tools';
  return undefined;
}
