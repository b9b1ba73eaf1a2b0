import { createHmac } from 'node:crypto';

/** Header that carries our signature of the request body, so a bot can check a request comes from us. */
export const SIGNATURE_HEADER = 'x-switchboard-signature-256';

/**
 * Signs the exact request bytes: `sha256=` and the hex HMAC-SHA256 of the body with the shared secret
 * (the same scheme as Messenger's X-Hub-Signature-256, so bot developers already know how to check it).
 */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}
