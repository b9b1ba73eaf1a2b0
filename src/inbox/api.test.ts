import { describe, expect, it } from 'vitest';
import { createApi } from './web/api.js';

const answering = (status: number, body: string, type: string) => async () =>
  new Response(body, { status, headers: { 'content-type': type } });

describe('the inbox API client', () => {
  const api = (fetch: (url: URL, init: RequestInit) => Promise<Response>) =>
    createApi({ authorization: () => 'Basic eA==', root: 'http://gateway.test/', fetch });

  it("gives the data of the gateway's answer", async () => {
    const pages = [{ id: 'page-1' }];
    const result = await api(answering(200, JSON.stringify({ data: pages }), 'application/json')).pages();
    expect(result).toEqual({ ok: true, value: pages });
  });

  it("takes a 200 that is not the gateway's JSON (a proxy's page) for a failure, not for empty data", async () => {
    const result = await api(answering(200, '<html>Welcome to nginx</html>', 'text/html')).conversations();
    expect(result).toEqual({
      ok: false,
      error: { status: 200, code: 'BAD_RESPONSE', message: "the answer was not the gateway's (200, text/html)" },
    });
  });

  it('sends a reply with its Idempotency-Key, and a tag only when one was chosen', async () => {
    const sent: { url: string; key: string | null; body: unknown }[] = [];
    const client = api(async (url: URL, init: RequestInit) => {
      const headers = new Headers(init.headers);
      sent.push({ url: String(url), key: headers.get('idempotency-key'), body: JSON.parse(String(init.body)) });
      return new Response(JSON.stringify({ data: { queued: true } }), { status: 202 });
    });
    await client.reply('c/1', { text: 'Hello', key: 'k1' });
    await client.reply('c/1', { text: 'Your parcel left', tag: 'POST_PURCHASE_UPDATE', key: 'k2' });
    expect(sent).toEqual([
      { url: 'http://gateway.test/api/conversations/c%2F1/messages', key: 'k1', body: { text: 'Hello' } },
      {
        url: 'http://gateway.test/api/conversations/c%2F1/messages',
        key: 'k2',
        body: { text: 'Your parcel left', tag: 'POST_PURCHASE_UPDATE' },
      },
    ]);
  });

  it('tells an unreachable gateway apart', async () => {
    const result = await api(async () => {
      throw new TypeError('fetch failed');
    }).pages();
    expect(result).toEqual({ ok: false, error: { status: 0, code: 'NETWORK', message: 'fetch failed' } });
  });
});
