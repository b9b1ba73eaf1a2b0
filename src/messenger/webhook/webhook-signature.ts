import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = { ok: true; appId: string } | { ok: false; reason: SignatureRefusal };
export type SignatureRefusal = 'missing' | 'malformed' | 'mismatch';

/** The HMAC a `sha256=<hex>` header carries, or why it carries none: known before the body is read. */
export function readSignatureHeader(header: string | undefined): Buffer | 'missing' | 'malformed' {
  if (!header) return 'missing';
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  return match?.[1] ? Buffer.from(match[1], 'hex') : 'malformed';
}

/**
 * Checks `X-Hub-Signature-256` (sha256=hex HMAC of the exact body bytes with the app secret) against every
 * configured app, in constant time per comparison. Never re-serialise the body: Facebook signs its own escaping.
 */
export function verifyWebhookSignature(
  header: string | undefined,
  body: Buffer,
  apps: ReadonlyArray<{ id: string; secret: string }>,
): SignatureCheck {
  const received = readSignatureHeader(header);
  if (!Buffer.isBuffer(received)) return { ok: false, reason: received };
  for (const app of apps) {
    const expected = createHmac('sha256', app.secret).update(body).digest();
    if (timingSafeEqual(expected, received)) return { ok: true, appId: app.id };
  }
  return { ok: false, reason: 'mismatch' };
}
