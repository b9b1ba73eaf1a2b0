import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeaderProblem, verifyWebhookSignature } from './webhook-signature.ts';

const apps = [
  { id: '111', secret: 'first-app-secret' },
  { id: '222', secret: 'second-app-secret' },
];
const sign = (body: Buffer, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('webhook signature', () => {
  const body = Buffer.from('{"object":"page","entry":[{"messaging":[{"message":{"text":"\\u00e4\\u00f6\\u00e5"}}]}]}');

  it('accepts the signature of any configured app and says which', () => {
    expect(verifyWebhookSignature(sign(body, 'second-app-secret'), body, apps)).toEqual({ ok: true, appId: '222' });
  });

  it('verifies the escaped bytes as received, not a re-serialisation', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(reserialised.equals(body)).toBe(false);
    expect(verifyWebhookSignature(sign(body, 'first-app-secret'), reserialised, apps)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a missing, malformed or sha1-only signature', () => {
    expect(verifyWebhookSignature(undefined, body, apps)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyWebhookSignature('sha256=zz', body, apps)).toEqual({ ok: false, reason: 'malformed' });
    const sha1 = `sha1=${createHmac('sha1', 'first-app-secret').update(body).digest('hex')}`;
    expect(verifyWebhookSignature(sha1, body, apps)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('tells a header that cannot be a signature before the body is read', () => {
    expect(signatureHeaderProblem(undefined)).toBe('missing');
    expect(signatureHeaderProblem('')).toBe('missing');
    expect(signatureHeaderProblem(`sha256=${'ab'.repeat(31)}`)).toBe('malformed');
    expect(signatureHeaderProblem(`sha1=${'ab'.repeat(20)}`)).toBe('malformed');
    expect(signatureHeaderProblem(` SHA256=${'AB'.repeat(32)}\r`)).toBeUndefined();
    expect(verifyWebhookSignature(` ${sign(body, 'first-app-secret')} `, body, apps)).toEqual({
      ok: true,
      appId: '111',
    });
  });

  it('refuses a signature made with another secret', () => {
    expect(verifyWebhookSignature(sign(body, 'not-ours'), body, apps)).toEqual({ ok: false, reason: 'mismatch' });
  });
});
