import { createHmac, timingSafeEqual } from 'node:crypto';

/** The payload of a `signed_request` (messenger-platform.md §8.7–8.8); Facebook may add fields. */
export interface SignedRequestPayload {
  algorithm: 'HMAC-SHA256';
  /** The app-scoped id (ASID) of the Facebook user the request is about. */
  user_id: string;
  /** Epoch seconds. */
  issued_at?: number;
  /** Older deauthorize payloads: the page that removed the app. */
  profile_id?: string;
}

/**
 * Verifies and reads a `signed_request` (`<signature>.<payload>`, both base64url) against each candidate app secret.
 * The HMAC is over the payload as sent, still encoded. Answers the secret's app id, the payload and the request's
 * canonical spelling, or undefined when no secret signed it or the payload is not one.
 */
export function readSignedRequest(
  value: string,
  apps: readonly { id: string; secret: string }[],
): { appId: string; payload: SignedRequestPayload; canonical: string } | undefined {
  const dot = value.indexOf('.');
  if (dot <= 0 || dot === value.length - 1) return undefined;
  const encodedPayload = value.slice(dot + 1);
  const signature = Buffer.from(value.slice(0, dot), 'base64url');
  const app = apps.find(({ secret }) => {
    const expected = createHmac('sha256', secret).update(encodedPayload).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  });
  if (!app) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const read = toPayload(payload);
  // base64url decoding forgives padding and stray characters: one request has many spellings, and one canonical form.
  return read && { appId: app.id, payload: read, canonical: `${signature.toString('base64url')}.${encodedPayload}` };
}

/** Graph ids are strings, but older payloads wrote some as numbers. */
const idOf = (value: unknown) =>
  typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value)) ? String(value) : undefined;

function toPayload(value: unknown): SignedRequestPayload | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const p = value as Record<string, unknown>;
  const userId = idOf(p.user_id);
  if (p.algorithm !== 'HMAC-SHA256' || !userId) return undefined;
  const payload: SignedRequestPayload = { algorithm: 'HMAC-SHA256', user_id: userId };
  const profileId = idOf(p.profile_id);
  if (profileId) payload.profile_id = profileId;
  if (typeof p.issued_at === 'number') payload.issued_at = p.issued_at;
  return payload;
}
