import { describe, expect, it } from 'vitest';
import { createGraphCallLog, redact, redactUrl } from './graph-call-log.ts';

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
    expect(redactUrl('/v25.0/me?fields=id&access_token=EAAx&code=abc')).toBe(
      '/v25.0/me?fields=id&access_token=[redacted]&code=[redacted]',
    );
  });

  it('redacts inside strings that hold JSON, such as batch parameters and batch result bodies', () => {
    const batch = JSON.stringify([
      { method: 'GET', relative_url: 'debug_token?input_token=EAAx&access_token=1|app-secret' },
      { method: 'POST', relative_url: 'me/messages', body: 'access_token=EAAy&message=%7B%7D' },
    ]);
    const results = [{ code: 200, body: JSON.stringify({ id: '1', access_token: 'EAAz' }) }];
    const text = JSON.stringify(redact({ body: { batch }, response: results }));
    for (const secret of ['EAAx', 'EAAy', 'EAAz', 'app-secret']) expect(text).not.toContain(secret);
    expect(JSON.parse((redact(results) as { body: string }[])[0]?.body ?? '')).toEqual({
      id: '1',
      access_token: '[redacted]',
    });
    expect(redact('not json {"access_token":')).toBe('not json {"access_token":');
    expect(redact([{ code: 400, body: '{"error":{"code":100}}' }, { code: 'AQx' }])).toEqual([
      { code: 400, body: '{"error":{"code":100}}' },
      { code: '[redacted]' },
    ]);
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
