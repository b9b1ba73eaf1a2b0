import { describe, expect, it } from 'vitest';
import { useScriptedGraph } from '../../../test/support/scripted-graph-server.ts';
import type { SendRequest } from '../send-types.ts';
import { appsecretProof } from './graph-request.ts';
import { createSendApi } from './send-api.ts';

const TOKEN = 'EAAB-page-token-batches';
const text = (id: string, words = 'hi'): SendRequest => ({
  recipient: { id },
  messaging_type: 'RESPONSE',
  message: { text: words },
});
const sent = (id: string, mid: string) => ({
  code: 200,
  body: JSON.stringify({ recipient_id: id, message_id: mid }),
});
const refusal = (error: Record<string, unknown>) => ({
  code: 400,
  body: JSON.stringify({ error: { message: 'm', type: 'OAuthException', ...error } }),
});

/** A batch's sub-requests as Graph reads them: each body a form whose objects are JSON. */
function subRequests(json: unknown) {
  const { batch } = json as { batch: { method: string; relative_url: string; body: string }[] };
  return batch.map(({ method, relative_url, body }) => {
    const form = Object.fromEntries(new URLSearchParams(body));
    const fields = Object.fromEntries(
      Object.entries(form).map(([key, value]) => [key, value.startsWith('{') ? JSON.parse(value) : value]),
    );
    return { method, relative_url, fields };
  });
}

describe('send batches', () => {
  const graph = useScriptedGraph({ batchSends: true, appSecret: 'batches-app-secret' });

  it('sends what is sent in one turn as one batch request, and gives each send its own answer', async () => {
    graph.server.reply({ json: [sent('1', 'm_1'), refusal({ code: 551, error_subcode: 1545041 }), null] });
    const outcomes = await Promise.all([
      graph.client.send(TOKEN, text('1', 'first & last = 100%')),
      graph.client.send(TOKEN, { ...text('2'), tag: undefined }),
      graph.client.send(TOKEN, { recipient: { id: '3' }, sender_action: 'typing_on' }),
    ]);
    expect(outcomes).toEqual([
      { status: 'sent', recipient_id: '1', message_id: 'm_1' },
      expect.objectContaining({ status: 'failed', kind: 'recipient', error: expect.objectContaining({ code: 551 }) }),
      expect.objectContaining({ status: 'retry', kind: 'transient' }),
    ]);
    expect(graph.server.requests).toHaveLength(1);
    const [request] = graph.server.requests;
    expect(request?.url.pathname).toBe('/v25.0/');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.url.searchParams.get('appsecret_proof')).toMatch(/^[0-9a-f]{64}$/);
    expect(request?.json).toMatchObject({ access_token: TOKEN, include_headers: false });
    expect(subRequests(request?.json)).toEqual([
      { method: 'POST', relative_url: 'me/messages', fields: text('1', 'first & last = 100%') },
      { method: 'POST', relative_url: 'me/messages', fields: text('2') },
      { method: 'POST', relative_url: 'me/messages', fields: { recipient: { id: '3' }, sender_action: 'typing_on' } },
    ]);
  });

  it('sends a lone send as a call of its own', async () => {
    graph.server.reply({ json: { recipient_id: '1', message_id: 'm_1' } });
    expect(await graph.client.send(TOKEN, text('1'))).toEqual({ status: 'sent', recipient_id: '1', message_id: 'm_1' });
    expect(graph.server.requests[0]?.url.pathname).toBe('/v25.0/me/messages');
  });

  it('sends what Graph downloads media for alone (an attachment by URL, a card with an image), delaying no one', async () => {
    graph.server.reply(
      { json: { recipient_id: '3', message_id: 'm_3' } },
      { json: { recipient_id: '4', message_id: 'm_4' } },
      { json: [sent('1', 'm_1'), sent('2', 'm_2'), sent('5', 'm_5')] },
    );
    const image: SendRequest = {
      recipient: { id: '3' },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'image', payload: { url: 'https://example.com/a.png' } } },
    };
    const card = (id: string, image_url?: string): SendRequest => ({
      recipient: { id },
      messaging_type: 'RESPONSE',
      message: {
        attachment: {
          type: 'template',
          payload: { template_type: 'generic', elements: [{ title: 'Mug', ...(image_url ? { image_url } : {}) }] },
        },
      },
    });
    const outcomes = await Promise.all([
      graph.client.send(TOKEN, image),
      graph.client.send(TOKEN, card('4', 'https://example.com/mug.png')),
      graph.client.send(TOKEN, text('1')),
      graph.client.send(TOKEN, text('2')),
      graph.client.send(TOKEN, card('5')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(graph.server.requests.map((r) => r.url.pathname)).toEqual([
      '/v25.0/me/messages',
      '/v25.0/me/messages',
      '/v25.0/',
    ]);
    expect(graph.server.requests.slice(0, 2).map((r) => r.json)).toEqual([
      image,
      card('4', 'https://example.com/mug.png'),
    ]);
  });

  it('keeps batches to 50 requests and to one page token', async () => {
    graph.server.reply(
      { json: Array.from({ length: 50 }, (_, i) => sent(String(i), `m_${i}`)) },
      { json: { recipient_id: '50', message_id: 'm_50' } },
      { json: { recipient_id: '51', message_id: 'm_51' } },
    );
    const outcomes = await Promise.all([
      ...Array.from({ length: 51 }, (_, i) => graph.client.send(TOKEN, text(String(i)))),
      graph.client.send('EAAB-another-page', text('51')),
    ]);
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    expect(subRequests(graph.server.requests[0]?.json)).toHaveLength(50);
    expect(graph.server.requests.map((r) => r.url.pathname)).toEqual([
      '/v25.0/',
      '/v25.0/me/messages',
      '/v25.0/me/messages',
    ]);
    expect(graph.server.requests[2]?.headers.authorization).toBe('Bearer EAAB-another-page');
  });

  it('gives every send of a refused batch the refusal, and a rate limit its wait', async () => {
    const buc = { '104857392018475': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 2 }] };
    graph.server.reply(
      {
        status: 400,
        json: { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } },
      },
      {
        status: 400,
        json: { error: { message: 'limit', type: 'OAuthException', code: 613 } },
        headers: { 'x-business-use-case-usage': JSON.stringify(buc) },
      },
    );
    const refused = await Promise.all([graph.client.send(TOKEN, text('1')), graph.client.send(TOKEN, text('2'))]);
    expect(refused).toEqual([
      expect.objectContaining({ status: 'failed', kind: 'token' }),
      expect.objectContaining({ status: 'failed', kind: 'token' }),
    ]);
    const limited = await Promise.all([graph.client.send(TOKEN, text('1')), graph.client.send(TOKEN, text('2'))]);
    expect(limited).toEqual([
      expect.objectContaining({ status: 'retry', kind: 'rate_limited', retry_after_ms: 120_000 }),
      expect.objectContaining({ status: 'retry', kind: 'rate_limited', retry_after_ms: 120_000 }),
    ]);
  });

  it('gives each send the usage Graph reported for the batch, and a rate-limited one its wait', async () => {
    const buc = { '104857392018475': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 3 }] };
    graph.server.reply({
      json: [sent('1', 'm_1'), refusal({ code: 613 })],
      headers: { 'x-page-usage': '{"call_count":97}', 'x-business-use-case-usage': JSON.stringify(buc) },
    });
    const outcomes = await Promise.all([graph.client.send(TOKEN, text('1')), graph.client.send(TOKEN, text('2'))]);
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'sent', usage: expect.objectContaining({ page: 97 }) }),
      expect.objectContaining({
        status: 'retry',
        kind: 'rate_limited',
        retry_after_ms: 180_000,
        usage: expect.objectContaining({ page: 97 }),
      }),
    ]);
  });

  it('gives the failed sends of a batch that went through the wait its Retry-After asks for', async () => {
    graph.server.reply({
      json: [sent('1', 'm_1'), refusal({ code: 2, message: 'Service temporarily unavailable' })],
      headers: { 'retry-after': '7' },
    });
    const outcomes = await Promise.all([graph.client.send(TOKEN, text('1')), graph.client.send(TOKEN, text('2'))]);
    expect(outcomes).toEqual([
      { status: 'sent', recipient_id: '1', message_id: 'm_1' },
      expect.objectContaining({ status: 'retry', kind: 'transient', retry_after_ms: 7_000 }),
    ]);
  });

  it('sends each request of a batch refused as malformed alone, so each gets a verdict of its own', async () => {
    graph.server.reply(
      { status: 400, json: { error: { message: 'Invalid parameter', type: 'OAuthException', code: 100 } } },
      { json: { recipient_id: '1', message_id: 'm_1' } },
      { status: 400, json: { error: { message: 'm', type: 'OAuthException', code: 551, error_subcode: 1545041 } } },
    );
    const outcomes = await Promise.all([graph.client.send(TOKEN, text('1')), graph.client.send(TOKEN, text('2'))]);
    expect(outcomes).toEqual([
      { status: 'sent', recipient_id: '1', message_id: 'm_1' },
      expect.objectContaining({ status: 'failed', kind: 'recipient' }),
    ]);
    expect(graph.server.requests.map((r) => r.url.pathname)).toEqual([
      '/v25.0/',
      '/v25.0/me/messages',
      '/v25.0/me/messages',
    ]);
  });

  it('answers every send in doubt when the call throws instead of answering, never leaving one waiting', async () => {
    const throwing = {
      call: () => Promise.reject(new Error('boom')),
      scrubberFor: () => (text: string) => text,
      close: async () => {},
    };
    const api = createSendApi(throwing, { batchSends: true });
    const inDoubt = { status: 'retry', kind: 'transient', error: { message: 'Graph call failed unexpectedly' } };
    expect(await Promise.all([api.send(TOKEN, text('1')), api.send(TOKEN, text('2'))])).toEqual([inDoubt, inDoubt]);
    expect(await api.send(TOKEN, text('3'))).toEqual(inDoubt);
  });

  it('treats a batch answer it cannot read as in doubt for every send, and never quotes the token', async () => {
    graph.server.reply(
      { json: { unexpected: true } },
      { json: [sent('1', 'm_1'), refusal({ code: 100, message: `Bad token ${TOKEN}` })] },
    );
    const unreadable = await Promise.all([graph.client.send(TOKEN, text('1')), graph.client.send(TOKEN, text('2'))]);
    expect(unreadable).toEqual([
      expect.objectContaining({ status: 'retry', kind: 'transient' }),
      expect.objectContaining({ status: 'retry', kind: 'transient' }),
    ]);
    const [, quoted] = await Promise.all([graph.client.send(TOKEN, text('1')), graph.client.send(TOKEN, text('2'))]);
    expect(quoted).toMatchObject({ status: 'failed', error: { message: 'Bad token [redacted]' } });
  });

  it("never quotes the app secret or the token's proof from a request of the batch either", async () => {
    const proof = appsecretProof(TOKEN, 'batches-app-secret');
    const message = `secret batches-app-secret, proof ${proof}`;
    graph.server.reply({ json: [sent('1', 'm_1'), refusal({ code: 100, message })] });
    const [, quoted] = await Promise.all([graph.client.send(TOKEN, text('1')), graph.client.send(TOKEN, text('2'))]);
    expect(quoted).toMatchObject({ status: 'failed', error: { message: 'secret [redacted], proof [redacted]' } });
  });
});
