import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = { ok: true; appId: string } | { ok: false; reason: SignatureRefusal };
export type SignatureRefusal = 'missing' | 'malformed' | 'mismatch';

const SIGNATURE = /^\s*sha256=([0-9a-f]{64})\s*$/i;

/** Why a header cannot be a signature (`sha256=<hex>`), or undefined when it can: known before the body is read. */
export function signatureHeaderProblem(header: string | undefined): 'missing' | 'malformed' | undefined {
  if (!header) return 'missing';
  return SIGNATURE.test(header) ? undefined : 'malformed';
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
  const hex = header && SIGNATURE.exec(header)?.[1];
  if (!hex) return { ok: false, reason: signatureHeaderProblem(header) ?? 'malformed' };
  const received = Buffer.from(hex, 'hex');
  for (const app of apps) {
    const expected = createHmac('sha256', app.secret).update(body).digest();
    if (timingSafeEqual(expected, received)) return { ok: true, appId: app.id };
  }
  return { ok: false, reason: 'mismatch' };
}
