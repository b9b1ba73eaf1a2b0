import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient, type GraphClient } from './graph-client.ts';
import { PAGE_INBOX_APP_ID } from './handover-api.ts';
import { type ScriptedGraphServer, startScriptedGraphServer } from './scripted-graph-server.ts';

const TOKEN = 'EAAB-page-token-handover';
const PSID = '6021938475610234';
let server: ScriptedGraphServer;
let client: GraphClient;

beforeEach(async () => {
  server = await startScriptedGraphServer();
  client = createGraphClient({ baseUrl: server.baseUrl, version: 'v25.0' });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe('handover', () => {
  it('passes the thread to the Page Inbox with metadata', async () => {
    server.reply({ json: { success: true } });
    expect(await client.passThreadControl(TOKEN, PSID, PAGE_INBOX_APP_ID, 'needs a human')).toEqual({ ok: true });
    expect(server.requests[0]?.method).toBe('POST');
    expect(server.requests[0]?.url.pathname).toBe('/v25.0/me/pass_thread_control');
    expect(server.requests[0]?.json).toEqual({
      recipient: { id: PSID },
      target_app_id: '263902037430900',
      metadata: 'needs a human',
    });
  });

  it('takes the thread back, leaving out metadata when none is given', async () => {
    server.reply({ json: { success: true } });
    expect(await client.takeThreadControl(TOKEN, PSID)).toEqual({ ok: true });
    expect(server.requests[0]?.url.pathname).toBe('/v25.0/me/take_thread_control');
    expect(server.requests[0]?.json).toEqual({ recipient: { id: PSID } });
  });

  it('reports a take refused for permissions', async () => {
    server.reply({ status: 400, json: { error: { message: '(#230) not allowed', code: 230 } } });
    expect(await client.takeThreadControl(TOKEN, PSID, 'm')).toMatchObject({ ok: false, kind: 'permission' });
  });

  it('reads the thread owner, also when its app id is a number', async () => {
    server.reply(
      { json: { data: [{ thread_owner: { app_id: '1517776481860111' } }] } },
      { json: { data: [{ thread_owner: { app_id: 263902037430900 } }] } },
      { json: { data: [] } },
    );
    expect(await client.getThreadOwner(TOKEN, PSID)).toEqual({ ok: true, app_id: '1517776481860111' });
    expect(await client.getThreadOwner(TOKEN, PSID)).toEqual({ ok: true, app_id: PAGE_INBOX_APP_ID });
    expect(await client.getThreadOwner(TOKEN, PSID)).toEqual({ ok: true });
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.url.pathname).toBe('/v25.0/me/thread_owner');
    expect(server.requests[0]?.url.searchParams.get('recipient')).toBe(PSID);
  });
});
