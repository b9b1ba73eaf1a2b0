import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = { ok: true; appId: string } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

/**
 * Checks `X-Hub-Signature-256` (sha256=hex HMAC of the exact body bytes with the app secret) against every
 * configured app, in constant time per comparison. Never re-serialise the body: Facebook signs its own escaping.
 */
export function verifyWebhookSignature(
  header: string | undefined,
  body: Buffer,
  apps: ReadonlyArray<{ id: string; secret: string }>,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match?.[1]) return { ok: false, reason: 'malformed' };
  const received = Buffer.from(match[1], 'hex');
  for (const app of apps) {
    const expected = createHmac('sha256', app.secret).update(body).digest();
    if (timingSafeEqual(expected, received)) return { ok: true, appId: app.id };
  }
  return { ok: false, reason: 'mismatch' };
}
