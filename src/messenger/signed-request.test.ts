import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readSignedRequest } from './signed-request.ts';

const APPS = [
  { id: '111', secret: 'first-secret' },
  { id: '222', secret: 'second-secret' },
];

function sign(payload: unknown, secret: string, raw = JSON.stringify(payload)): string {
  const encoded = Buffer.from(raw).toString('base64url');
  return `${createHmac('sha256', secret).update(encoded).digest('base64url')}.${encoded}`;
}

describe('readSignedRequest', () => {
  it('finds the app whose secret signed the request, and reads the payload', () => {
    const value = sign(
      { algorithm: 'HMAC-SHA256', issued_at: 1767225600, user_id: '10223344556677889' },
      'second-secret',
    );
    expect(readSignedRequest(value, APPS)).toEqual({
      appId: '222',
      payload: { algorithm: 'HMAC-SHA256', issued_at: 1767225600, user_id: '10223344556677889' },
      canonical: value,
    });
  });

  it('gives one canonical spelling of a request whose signature is padded or holds characters decoding skips', () => {
    const value = sign({ algorithm: 'HMAC-SHA256', issued_at: 1767225600, user_id: '1' }, 'first-secret');
    const [signature, payload] = value.split('.');
    for (const spelling of [`${signature}=.${payload}`, `${signature}!.${payload}`])
      expect(readSignedRequest(spelling, APPS)?.canonical).toBe(value);
  });

  it('reads ids written as numbers, as older payloads did, and a profile_id', () => {
    const value = sign({ algorithm: 'HMAC-SHA256', user_id: 1234, profile_id: 5678 }, 'first-secret');
    expect(readSignedRequest(value, APPS)?.payload).toEqual({
      algorithm: 'HMAC-SHA256',
      user_id: '1234',
      profile_id: '5678',
    });
  });

  it('refuses a signature of another secret, a payload changed after signing, and a wrong shape', () => {
    const payload = { algorithm: 'HMAC-SHA256', user_id: '1' };
    expect(readSignedRequest(sign(payload, 'not-ours'), APPS)).toBeUndefined();
    const [signature] = sign(payload, 'first-secret').split('.');
    const changed = Buffer.from(JSON.stringify({ ...payload, user_id: '2' })).toString('base64url');
    expect(readSignedRequest(`${signature}.${changed}`, APPS)).toBeUndefined();
    for (const bad of ['', '.', 'abc', 'abc.', '.abc']) expect(readSignedRequest(bad, APPS)).toBeUndefined();
  });

  it('refuses another algorithm, a missing user, and a payload that is not JSON, even when signed', () => {
    expect(readSignedRequest(sign({ algorithm: 'HMAC-SHA1', user_id: '1' }, 'first-secret'), APPS)).toBeUndefined();
    expect(readSignedRequest(sign({ algorithm: 'HMAC-SHA256' }, 'first-secret'), APPS)).toBeUndefined();
    expect(readSignedRequest(sign(null, 'first-secret', '{not json'), APPS)).toBeUndefined();
  });
});
