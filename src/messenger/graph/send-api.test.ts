import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startScriptedGraphServer, useScriptedGraph } from '../../../test/support/scripted-graph-server.ts';
import { guestPersonId, recipientOf } from '../person-address.ts';
import type { SendRequest } from '../send-types.ts';
import { createGraphClient } from './graph-client.ts';

const TOKEN = 'EAAB-page-token-send';
const SECRET = 'send-app-secret';
const TEXT: SendRequest = {
  recipient: { id: '6021938475610234' },
  messaging_type: 'RESPONSE',
  message: { text: 'hi' },
};

const graph = useScriptedGraph({ appSecret: SECRET, timeoutMs: 300 });

const graphError = (status: number, error: Record<string, unknown>, headers?: Record<string, string>) => ({
  status,
  json: { error: { message: 'm', type: 'OAuthException', fbtrace_id: 'T1', ...error } },
  ...(headers ? { headers } : {}),
});

describe('send', () => {
  it('posts the request as JSON to /{version}/me/messages and reports the ids', async () => {
    graph.server.reply({ json: { recipient_id: '6021938475610234', message_id: 'm_Xy1' } });
    const outcome = await graph.client.send(TOKEN, TEXT);
    expect(outcome).toEqual({ status: 'sent', recipient_id: '6021938475610234', message_id: 'm_Xy1' });
    const req = graph.server.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.url.pathname).toBe('/v25.0/me/messages');
    expect(req?.json).toEqual(TEXT);
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.url.searchParams.get('appsecret_proof')).toBe(createHmac('sha256', SECRET).update(TOKEN).digest('hex'));
  });

  it('reports the attachment id of a reusable attachment and the usage headers', async () => {
    graph.server.reply({
      json: { recipient_id: '1', message_id: 'm_2', attachment_id: '2750196385013344' },
      headers: { 'x-page-usage': '{"call_count":42}' },
    });
    const outcome = await graph.client.send(TOKEN, TEXT);
    expect(outcome).toEqual({
      status: 'sent',
      recipient_id: '1',
      message_id: 'm_2',
      attachment_id: '2750196385013344',
      usage: { page: 42 },
    });
  });

  it('counts a sender action answered with only recipient_id as sent', async () => {
    graph.server.reply({ json: { recipient_id: '6021938475610234' } });
    const outcome = await graph.client.send(TOKEN, {
      recipient: { id: '6021938475610234' },
      sender_action: 'typing_on',
    });
    expect(outcome).toEqual({ status: 'sent', recipient_id: '6021938475610234' });
    expect(graph.server.requests[0]?.json).toEqual({
      recipient: { id: '6021938475610234' },
      sender_action: 'typing_on',
    });
  });

  it('counts a send to a guest as sent though Graph answers without recipient_id', async () => {
    graph.server.reply({ json: { message_id: 'm_G1' } }, { json: {} });
    const guest = recipientOf(guestPersonId('ur_4kP9'));
    expect(await graph.client.send(TOKEN, { ...TEXT, recipient: guest })).toEqual({
      status: 'sent',
      message_id: 'm_G1',
    });
    expect(await graph.client.send(TOKEN, { recipient: guest, sender_action: 'typing_on' })).toEqual({
      status: 'sent',
    });
    expect(graph.server.requests[1]?.json).toEqual({ recipient: { user_ref: 'ur_4kP9' }, sender_action: 'typing_on' });
  });

  it('fails a message outside the window without retry', async () => {
    graph.server.reply(graphError(400, { code: 10, error_subcode: 2018278 }));
    const outcome = await graph.client.send(TOKEN, TEXT);
    expect(outcome).toEqual({
      status: 'failed',
      kind: 'window',
      error: {
        message: 'm',
        type: 'OAuthException',
        code: 10,
        error_subcode: 2018278,
        fbtrace_id: 'T1',
        http_status: 400,
      },
    });
  });

  it.each([
    [{ code: 190, error_subcode: 463 }, 'token'],
    [{ code: 551, error_subcode: 1545041 }, 'recipient'],
    [{ code: 100, error_subcode: 2018001 }, 'recipient'],
    [{ code: 100, error_subcode: 2018234 }, 'permission'],
    [{ code: 100, error_subcode: 2018034 }, 'invalid'],
  ])('fails %o as %s', async (error, kind) => {
    graph.server.reply(graphError(400, error));
    expect(await graph.client.send(TOKEN, TEXT)).toMatchObject({ status: 'failed', kind, error });
  });

  it('asks for a retry after the business use case wait on a rate limit', async () => {
    const buc = { '104857392018475': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 7 }] };
    graph.server.reply(graphError(400, { code: 613 }, { 'x-business-use-case-usage': JSON.stringify(buc) }));
    const outcome = await graph.client.send(TOKEN, TEXT);
    expect(outcome).toMatchObject({
      status: 'retry',
      kind: 'rate_limited',
      retry_after_ms: 420_000,
      usage: { business: 100, regain_access_ms: 420_000 },
      error: { code: 613, http_status: 400 },
    });
  });

  it('asks for a retry without a wait when Graph gives none', async () => {
    graph.server.reply(graphError(500, { code: 2 }));
    const outcome = await graph.client.send(TOKEN, TEXT);
    expect(outcome).toMatchObject({ status: 'retry', kind: 'transient', error: { code: 2, http_status: 500 } });
    expect(outcome).not.toHaveProperty('retry_after_ms');
  });

  it('asks for a retry when Graph marks the error transient', async () => {
    graph.server.reply(graphError(400, { code: 100, is_transient: true }));
    expect(await graph.client.send(TOKEN, TEXT)).toMatchObject({ status: 'retry', kind: 'transient' });
  });

  it('asks for a retry on a socket reset instead of throwing', async () => {
    graph.server.reply({ reset: true });
    expect(await graph.client.send(TOKEN, TEXT)).toMatchObject({ status: 'retry', kind: 'transient' });
  });

  it('asks for a retry when Graph answers after timeoutMs', async () => {
    graph.server.reply({ json: { recipient_id: '1', message_id: 'm_late' }, delayMs: 5_000 });
    const outcome = await graph.client.send(TOKEN, TEXT);
    expect(outcome).toEqual({
      status: 'retry',
      kind: 'transient',
      error: { message: 'Graph request timed out after 300 ms' },
    });
  });

  it('asks for a retry when nothing listens', async () => {
    const port = new URL(graph.server.baseUrl).port;
    await graph.server.close();
    const closed = createGraphClient({ baseUrl: `http://127.0.0.1:${port}`, version: 'v25.0' });
    const outcome = await closed.send(TOKEN, TEXT);
    await closed.close();
    expect(outcome).toMatchObject({ status: 'retry', kind: 'transient', error: { message: /ECONNREFUSED/ } });
    graph.server = await startScriptedGraphServer();
  });
});

describe('uploadAttachment', () => {
  it('uploads a URL as a reusable attachment and returns its id', async () => {
    graph.server.reply({ json: { attachment_id: '2750196385013344' } });
    const res = await graph.client.uploadAttachment(TOKEN, { type: 'video', url: 'https://example.com/a.mp4' });
    expect(res).toEqual({ ok: true, attachment_id: '2750196385013344' });
    expect(graph.server.requests[0]?.url.pathname).toBe('/v25.0/me/message_attachments');
    expect(graph.server.requests[0]?.json).toEqual({
      message: { attachment: { type: 'video', payload: { url: 'https://example.com/a.mp4', is_reusable: true } } },
    });
  });

  it('reports a Graph error with its kind', async () => {
    graph.server.reply(graphError(400, { code: 100, error_subcode: 2018047 }));
    const res = await graph.client.uploadAttachment(TOKEN, { type: 'image', url: 'https://example.com/x.png' });
    expect(res).toMatchObject({ ok: false, kind: 'invalid', error: { code: 100, error_subcode: 2018047 } });
  });

  it('fails when a success answer has no attachment_id', async () => {
    graph.server.reply({ json: {} });
    const res = await graph.client.uploadAttachment(TOKEN, { type: 'image', url: 'https://example.com/x.png' });
    expect(res).toMatchObject({
      ok: false,
      kind: 'invalid',
      error: { message: 'Graph answered without attachment_id' },
    });
  });
});
