import { randomInt } from 'node:crypto';
import { type Dispatcher, request } from 'undici';

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * Facebook's subscription check (messenger-platform.md §1.1): GET the callback with hub.mode,
 * hub.challenge and hub.verify_token; it passes only on 200 with the exact challenge as the body.
 */
export async function verifyWebhook(options: {
  url: string;
  verifyToken: string;
  timeoutMs: number;
  dispatcher?: Dispatcher;
}): Promise<VerifyResult> {
  const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
  const target = new URL(options.url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', options.verifyToken);
  try {
    const response = await request(target, {
      method: 'GET',
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      // The whole answer within the timeout: the two above bound only the wait for the headers and each pause after.
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const body = await response.body.text();
    // The answer is never quoted back: it would let a caller read any URL the emulator can reach.
    const expected = `expected HTTP 200 with exactly the challenge ${challenge} as the body`;
    if (response.statusCode !== 200)
      return { ok: false, reason: `the callback answered HTTP ${response.statusCode}; ${expected}` };
    if (body !== challenge)
      return { ok: false, reason: `the callback answered HTTP 200 with another body; ${expected}` };
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `the callback could not be reached: ${(error as Error).message}` };
  }
}
