import { createHmac } from 'node:crypto';

/**
 * Serialises a webhook body the way Facebook does: non-ASCII characters become `\uXXXX` escapes
 * and `/` becomes `\/` (messenger-platform.md §1.4). A gateway that checks the signature over
 * re-serialised JSON then fails, as it would against Facebook. JSON.stringify yields UTF-16
 * code units, so characters outside the BMP come out as surrogate pairs, as in Facebook's bodies.
 * `/` and non-ASCII characters can only occur inside JSON strings, so replacing them is safe.
 */
export function toFacebookJson(value: unknown, escapeUnicode: boolean): string {
  const json = JSON.stringify(value);
  if (!escapeUnicode) return json;
  return json
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** `X-Hub-Signature-256` and `X-Hub-Signature` over the exact bytes sent (§1.4). */
export function signatureHeaders(body: Buffer, secret: string): Record<string, string> {
  return {
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
  };
}
