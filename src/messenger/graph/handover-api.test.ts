import { describe, expect, it } from 'vitest';
import { useScriptedGraph } from '../../../test/support/scripted-graph-server.ts';
import { guestPersonId } from '../person-address.ts';
import { PAGE_INBOX_APP_ID } from './handover-api.ts';

const TOKEN = 'EAAB-page-token-handover';
const PSID = '6021938475610234';
const graph = useScriptedGraph();

describe('handover', () => {
  it('passes the thread to the Page Inbox with metadata', async () => {
    graph.server.reply({ json: { success: true } });
    expect(await graph.client.passThreadControl(TOKEN, PSID, PAGE_INBOX_APP_ID, 'needs a human')).toEqual({ ok: true });
    expect(graph.server.requests[0]?.method).toBe('POST');
    expect(graph.server.requests[0]?.url.pathname).toBe('/v25.0/me/pass_thread_control');
    expect(graph.server.requests[0]?.json).toEqual({
      recipient: { id: PSID },
      target_app_id: '263902037430900',
      metadata: 'needs a human',
    });
  });

  it('takes the thread back, leaving out metadata when none is given', async () => {
    graph.server.reply({ json: { success: true } });
    expect(await graph.client.takeThreadControl(TOKEN, PSID)).toEqual({ ok: true });
    expect(graph.server.requests[0]?.url.pathname).toBe('/v25.0/me/take_thread_control');
    expect(graph.server.requests[0]?.json).toEqual({ recipient: { id: PSID } });
  });

  it('reports a take refused for permissions', async () => {
    graph.server.reply({ status: 400, json: { error: { message: '(#230) not allowed', code: 230 } } });
    expect(await graph.client.takeThreadControl(TOKEN, PSID, 'm')).toMatchObject({ ok: false, kind: 'permission' });
  });

  it('reads the thread owner, also when its app id is a number', async () => {
    graph.server.reply(
      { json: { data: [{ thread_owner: { app_id: '1517776481860111' } }] } },
      { json: { data: [{ thread_owner: { app_id: 263902037430900 } }] } },
      { json: { data: [] } },
    );
    expect(await graph.client.getThreadOwner(TOKEN, PSID)).toEqual({ ok: true, app_id: '1517776481860111' });
    expect(await graph.client.getThreadOwner(TOKEN, PSID)).toEqual({ ok: true, app_id: PAGE_INBOX_APP_ID });
    expect(await graph.client.getThreadOwner(TOKEN, PSID)).toEqual({ ok: true });
    expect(graph.server.requests[0]?.method).toBe('GET');
    expect(graph.server.requests[0]?.url.pathname).toBe('/v25.0/me/thread_owner');
    expect(graph.server.requests[0]?.url.searchParams.get('recipient')).toBe(PSID);
  });

  it('addresses a chat-plugin guest by recipient.user_ref when passing or taking the thread', async () => {
    graph.server.reply({ json: { success: true } }, { json: { success: true } });
    const guest = guestPersonId('ur_4kP9');
    expect(await graph.client.passThreadControl(TOKEN, guest, PAGE_INBOX_APP_ID)).toEqual({ ok: true });
    expect(await graph.client.takeThreadControl(TOKEN, guest)).toEqual({ ok: true });
    expect(graph.server.requests.map((r) => r.json)).toEqual([
      { recipient: { user_ref: 'ur_4kP9' }, target_app_id: PAGE_INBOX_APP_ID },
      { recipient: { user_ref: 'ur_4kP9' } },
    ]);
  });

  it('does not ask Graph for the thread owner of a guest: the call takes a PSID only', async () => {
    const result = await graph.client.getThreadOwner(TOKEN, guestPersonId('ur_4kP9'));
    expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    expect(graph.server.requests).toEqual([]);
  });
});
