import { providerErrorOf } from './provider-error.ts';

/**
 * Whether an error answer says the account's credit is used up. OpenAI answers it with a 429 like a rate limit, but
 * with `insufficient_quota` as its code (and type). Unlike a rate limit it lasts until someone pays: retrying it only
 * makes every person wait through the back-off before the fallback.
 */
export function isExhaustedQuota(answer: { status: number; errorBody?: string }): boolean {
  if (answer.status !== 429) return false;
  const error = providerErrorOf(answer.errorBody);
  return error?.code === 'insufficient_quota' || error?.type === 'insufficient_quota';
}
