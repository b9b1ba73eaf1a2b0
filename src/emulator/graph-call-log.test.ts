import { describe, expect, it } from 'vitest';
import { createGraphCallLog, redact, redactGraphCall, redactUrl } from './graph-call-log.ts';

describe('Graph call log', () => {
  it('redacts tokens and secrets by key and inside strings', () => {
    expect(
      redact({ access_token: 'EAAx', nested: { client_secret: 's' }, body: 'a=1&access_token=EAAy', keep: 'ok' }),
    ).toEqual({
      access_token: '[redacted]',
      nested: { client_secret: '[redacted]' },
      body: 'a=1&access_token=[redacted]',
      keep: 'ok',
    });
    expect(redactUrl('/v25.0/oauth/access_token?client_id=1&client_secret=s&code=abc')).toBe(
      '/v25.0/oauth/access_token?client_id=1&client_secret=[redacted]&code=[redacted]',
    );
    expect(redactUrl('/v25.0/me?fields=id&access_token=EAAx')).toBe('/v25.0/me?fields=id&access_token=[redacted]');
  });

  it('redacts the verify token an app webhook subscription sets, in the call and in the request log', () => {
    const parts = redactGraphCall('/v25.0/1517776481860111/subscriptions', {
      query: { object: 'page', callback_url: 'https://bot.example/hook', verify_token: 'vt-secret' },
      body: 'object=page&verify_token=vt-secret',
      response: { success: true },
    });
    expect(JSON.stringify(parts)).not.toContain('vt-secret');
    expect(parts.query).toEqual({
      object: 'page',
      callback_url: 'https://bot.example/hook',
      verify_token: '[redacted]',
    });
    expect(redactUrl('/v25.0/1/subscriptions?object=page&verify_token=vt-secret')).toBe(
      '/v25.0/1/subscriptions?object=page&verify_token=[redacted]',
    );
  });

  it('redacts every value of a secret key that is not a number: repeated parameters, objects', () => {
    const parts = redactGraphCall('/v25.0/me', {
      query: { access_token: ['EAAx', 'EAAx'] },
      body: { client_secret: { value: 's' }, input_token: null },
      response: { error: { code: 190 } },
    });
    expect(parts).toEqual({
      query: { access_token: '[redacted]' },
      body: { client_secret: '[redacted]', input_token: '[redacted]' },
      response: { error: { code: 190 } },
    });
  });

  it('leaves strings as sent: JSON in a text or a parameter is not reformatted', () => {
    const body = {
      recipient: '{"id":9123456789012345}',
      message: { text: '{"a": 1.0}', quick_replies: [{ payload: '[1.0, 2]' }] },
    };
    expect(redactGraphCall('/v25.0/me/messages', { query: {}, body, response: null }).body).toEqual(body);
    const batch = '[{"method":"POST","relative_url":"me/messages","body":"recipient={"id":9123456789012345}"}]';
    const results = [{ code: 200, body: '{"recipient_id":"1", "n": 1.0}' }];
    expect(redactGraphCall('/v25.0/', { query: {}, body: { batch }, response: results })).toEqual({
      query: {},
      body: { batch },
      response: results,
    });
  });

  it('redacts code= only in the OAuth token exchange, not in texts or button URLs', () => {
    const message = {
      text: 'Redeem at https://shop.example/redeem?code=ABC',
      attachment: { payload: { buttons: [{ url: 'https://shop.example/redeem?promo=1&code=SPRING24' }] } },
    };
    const send = redactGraphCall('/v25.0/me/messages', { query: {}, body: { message }, response: null });
    expect(send.body).toEqual({ message });
    expect(redactUrl('/v25.0/me/messages?text=x?code=ABC')).toBe('/v25.0/me/messages?text=x?code=ABC');

    const exchange = redactGraphCall('/v25.0/oauth/access_token', {
      query: { client_id: '1', redirect_uri: 'https://bot.example/cb?code=AQx' },
      body: null,
      response: null,
    });
    expect(exchange.query).toEqual({ client_id: '1', redirect_uri: 'https://bot.example/cb?code=[redacted]' });
    const batch = JSON.stringify([
      { method: 'GET', relative_url: 'oauth/access_token?client_id=1&code=AQx' },
      { method: 'POST', relative_url: 'me/messages', body: 'message=%7B%7D&text=?code=ABC' },
    ]);
    const logged = redactGraphCall('/', { query: {}, body: { batch }, response: null }).body as { batch: string };
    expect(JSON.parse(logged.batch)).toEqual([
      { method: 'GET', relative_url: 'oauth/access_token?client_id=1&code=[redacted]' },
      { method: 'POST', relative_url: 'me/messages', body: 'message=%7B%7D&text=?code=ABC' },
    ]);
  });

  it('redacts inside strings that hold JSON, such as batch parameters and batch result bodies', () => {
    const batch = JSON.stringify([
      { method: 'GET', relative_url: 'debug_token?input_token=EAAx&access_token=1|app-secret' },
      { method: 'POST', relative_url: 'me/messages', body: 'access_token=EAAy&message=%7B%7D' },
    ]);
    const results = [{ code: 200, body: JSON.stringify({ id: '1', access_token: 'EAAz' }) }];
    const parts = redactGraphCall('/v25.0', { query: {}, body: { batch }, response: results });
    const text = JSON.stringify(parts);
    for (const secret of ['EAAx', 'EAAy', 'EAAz', 'app-secret']) expect(text).not.toContain(secret);
    expect(JSON.parse((parts.response as { body: string }[])[0]?.body ?? '')).toEqual({
      id: '1',
      access_token: '[redacted]',
    });
    expect(redactGraphCall('/', { query: {}, body: { batch: 'not json {"access_token":' }, response: null })).toEqual({
      query: {},
      body: { batch: 'not json {"access_token":' },
      response: null,
    });
    const failed = [{ code: 400, body: '{"error":{"code":100}}' }];
    expect(redactGraphCall('/', { query: {}, body: {}, response: failed }).response).toEqual(failed);
    expect(redact({ code: 'AQx' })).toEqual({ code: '[redacted]' });
  });

  it('filters by path and by id', () => {
    const log = createGraphCallLog();
    const call = { method: 'GET', query: {}, body: null, status: 200, response: {}, time: 0, duration_ms: 1 };
    log.add({ ...call, path: '/v25.0/me/messages' });
    log.add({ ...call, path: '/v25.0/me/messenger_profile' });
    log.add({ ...call, path: '/v25.0/me/messages' });
    expect(log.list({ path_contains: 'messages' }).map((entry) => entry.id)).toEqual([1, 3]);
    expect(log.list({ since_id: 1 }).map((entry) => entry.id)).toEqual([2, 3]);
  });
});
