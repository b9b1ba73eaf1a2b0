import { describe, expect, it } from 'vitest';
import { createApi } from './web/api.js';

const answering = (status: number, body: string, type: string) => async () =>
  new Response(body, { status, headers: { 'content-type': type } });

describe('the inbox API client', () => {
  const api = (fetch: () => Promise<Response>) =>
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

  it('tells an unreachable gateway apart', async () => {
    const result = await api(async () => {
      throw new TypeError('fetch failed');
    }).pages();
    expect(result).toEqual({ ok: false, error: { status: 0, code: 'NETWORK', message: 'fetch failed' } });
  });
});
