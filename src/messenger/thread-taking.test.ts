import { describe, expect, it } from 'vitest';
import { directory, PAGE, PSID } from '../../test/support/connected-page.ts';
import { useScriptedGraph } from '../../test/support/scripted-graph-server.ts';
import { createThreadTaking, RESUME_NOTE } from './thread-taking.ts';

describe('taking a thread back for the inbox', () => {
  const graph = useScriptedGraph({ timeoutMs: 300 });
  /** A take, and the refused tokens it told of. */
  const taking = () => {
    const refused: string[][] = [];
    const takeThread = createThreadTaking({
      directory,
      graphFor: () => graph.client,
      tokenRefused: async (pageId, error) => void refused.push([pageId, error]),
    });
    return { takeThread, refused };
  };

  it('takes the thread with the page token and a note for the app that had it', async () => {
    graph.server.reply({ json: { success: true } });
    const t = taking();
    expect(await t.takeThread({ pageId: PAGE.id, personId: PSID })).toEqual({ ok: true });
    const [call] = graph.server.requests;
    expect(call?.url.pathname).toMatch(/\/me\/take_thread_control$/);
    expect(call?.json).toEqual({ recipient: { id: PSID }, metadata: RESUME_NOTE });
    expect(t.refused).toEqual([]);
  });

  it('says why Graph refused, and records a refused token on the page’s health, not a refused permission', async () => {
    graph.server.reply(
      { status: 400, json: { error: { message: 'Error validating access token', code: 190, error_subcode: 463 } } },
      { status: 400, json: { error: { message: '(#10) Application does not have permission', code: 10 } } },
      { json: { data: [{ thread_owner: { app_id: '263902037430900' } }] } },
    );
    const t = taking();
    const token = await t.takeThread({ pageId: PAGE.id, personId: PSID });
    expect(token).toEqual({ ok: false, error: '(#190/463) Error validating access token' });
    expect(await t.takeThread({ pageId: PAGE.id, personId: PSID })).toEqual({
      ok: false,
      error: '(#10) Application does not have permission',
    });
    expect(t.refused).toEqual([[PAGE.id, '(#190/463) Error validating access token']]);
  });

  it('calls a refused take done when the page’s app holds the thread already (what the gateway knew was stale)', async () => {
    graph.server.reply(
      { status: 400, json: { error: { message: '(#10) Application does not have permission', code: 10 } } },
      { json: { data: [{ thread_owner: { app_id: PAGE.app_id } }] } },
    );
    expect(await taking().takeThread({ pageId: PAGE.id, personId: PSID })).toEqual({ ok: true });
    expect(graph.server.requests.map((r) => r.url.pathname.replace(/^\/v[\d.]+/, ''))).toEqual([
      '/me/take_thread_control',
      '/me/thread_owner',
    ]);
  });

  it('takes nothing for a page no longer connected', async () => {
    const t = taking();
    expect(await t.takeThread({ pageId: 'gone', personId: PSID })).toEqual({
      ok: false,
      error: 'page gone is not connected',
    });
    expect(graph.server.requests).toEqual([]);
  });
});
