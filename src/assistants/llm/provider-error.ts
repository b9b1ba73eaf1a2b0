/** Longest part of a provider's error message kept in a failure reason: enough to say what to fix. */
const MAX_PROVIDER_MESSAGE = 300;

/**
 * A failed call's reason with the provider's error message, which says what to fix (OpenAI-style
 * `{error: {message}}`: unknown model, quota...). The key is taken out before the message is cut: a key cut in
 * two would no longer be found.
 */
export function withProviderMessage(failure: { reason: string; errorBody?: string }, apiKey: string | undefined) {
  const message = providerMessage(failure.errorBody);
  if (message === undefined) return failure.reason;
  return `${failure.reason}: ${redact(message, apiKey).slice(0, MAX_PROVIDER_MESSAGE)}`;
}

function providerMessage(errorBody: string | undefined): string | undefined {
  if (errorBody === undefined) return undefined;
  try {
    const message = (JSON.parse(errorBody) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' && message !== '' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Providers echo (parts of) a wrong key in their error messages; none of it may reach logs or the inbox. */
export function redact(text: string, apiKey: string | undefined): string {
  const withoutKey = apiKey ? text.replaceAll(apiKey, '[redacted]') : text;
  return withoutKey.replace(/\bsk-[^\s"',.]+/g, 'sk-[redacted]');
}
