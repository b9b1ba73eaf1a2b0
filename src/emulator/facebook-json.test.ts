import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeaders, toFacebookJson } from './facebook-json.ts';

describe('Facebook-style JSON', () => {
  it('escapes non-ASCII characters and slashes and still parses to the same value', () => {
    const value = { text: 'äöå 👋 a/b', url: 'https://x.test/p' };
    const json = toFacebookJson(value, true);
    expect(json).toBe('{"text":"\\u00e4\\u00f6\\u00e5 \\ud83d\\udc4b a\\/b","url":"https:\\/\\/x.test\\/p"}');
    expect(JSON.parse(json)).toEqual(value);
  });

  it('leaves the JSON alone when escaping is off', () => {
    expect(toFacebookJson({ text: 'ä/' }, false)).toBe('{"text":"ä/"}');
  });

  it('signs the bytes with sha256 and sha1 HMACs of the app secret', () => {
    const body = Buffer.from(toFacebookJson({ text: 'ü' }, true));
    const headers = signatureHeaders(body, 'secret');
    expect(headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', 'secret').update(body).digest('hex')}`);
    expect(headers['x-hub-signature']).toBe(`sha1=${createHmac('sha1', 'secret').update(body).digest('hex')}`);
  });
});
