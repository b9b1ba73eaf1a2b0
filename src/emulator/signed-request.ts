import { createHmac } from 'node:crypto';
import { request } from 'undici';

/**
 * Facebook's `signed_request` (messenger-platform.md §8.7): base64url(HMAC-SHA256(secret, encoded
 * payload)) + '.' + base64url(JSON payload); the HMAC is over the still-encoded payload.
 */
export function signedRequest(payload: Record<string, unknown>, secret: string): string {
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  const signature = createHmac('sha256', secret).update(encoded).digest('base64url');
  return `${signature}.${encoded}`;
}

export type CallbackResult = { ok: true; status: number; body: string } | { ok: false; error: string };

/** POSTs `signed_request=…` form-urlencoded, as the deauthorize and data-deletion callbacks are sent. */
export async function postSignedRequest(url: string, signed: string, timeoutMs: number): Promise<CallbackResult> {
  try {
    const response = await request(url, {
      method: 'POST',
      body: new URLSearchParams({ signed_request: signed }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      // The whole answer within the timeout: the two above bound only the wait for the headers and each pause after.
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { ok: true, status: response.statusCode, body: await response.body.text() };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
