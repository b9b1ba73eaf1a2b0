import { providerErrorOf } from './provider-error.ts';

/** The changes of the request that a server's refusal asks for: what it refused is not sent again. */
export const REQUEST_ADAPTATIONS = ['max_completion_tokens', 'no_tools', 'no_temperature'] as const;
export type RequestAdaptation = (typeof REQUEST_ADAPTATIONS)[number];

/**
 * What to change after a `400` that refuses a parameter the request had, or undefined. Three refusals are common and
 * would fail every turn otherwise:
 * - OpenAI's reasoning models (o-series, gpt-5) refuse `max_tokens` and name `max_completion_tokens` instead, which
 *   many other compatible servers do not know: the limit is sent by that name from then on;
 * - the same models refuse any `temperature` but their default: it is left out from then on;
 * - a model served without tool support (many of Ollama's) refuses `tools`: it answers without the hand-over tool.
 * A 400 did nothing on the server, so sending the request again, changed, does nothing twice.
 */
export function adaptationFor(
  failure: { status?: number; errorBody?: string },
  sent: { max_tokens?: number; tools?: unknown; temperature?: number },
): RequestAdaptation | undefined {
  if (failure.status !== 400) return undefined;
  const error = providerErrorOf(failure.errorBody);
  if (error === undefined) return undefined;
  const { param, code } = error;
  const message = error.message ?? '';
  const unsupported = code === 'unsupported_parameter';
  // Not a max_tokens over the model's limit (also param "max_tokens"): the other name would be refused the same.
  if (
    sent.max_tokens !== undefined &&
    ((unsupported && param === 'max_tokens') || message.includes('max_completion_tokens'))
  )
    return 'max_completion_tokens';
  // Only a refusal of any temperature: one out of the model's range (also param "temperature") is a setting to fix.
  if (
    sent.temperature !== undefined &&
    (((unsupported || code === 'unsupported_value') && param === 'temperature') ||
      /temperature'? (does not support|is not supported)/i.test(message))
  )
    return 'no_temperature';
  if (
    sent.tools !== undefined &&
    ((unsupported && param === 'tools') || /does not support tools|tools? (is|are) not supported/i.test(message))
  )
    return 'no_tools';
  return undefined;
}
