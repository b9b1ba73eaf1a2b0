import { describe, expect, it } from 'vitest';
import { useScriptedGraph } from '../../../test/support/scripted-graph-server.ts';
import { DEFAULT_PAGE_SUBSCRIBED_FIELDS, MAX_ACCOUNT_PAGES } from './pages-api.ts';

const USER_TOKEN = 'EAAB-user-token';
const graph = useScriptedGraph();

const page = (id: string, name: string) => ({ id, name, access_token: `EAAB-${id}`, tasks: ['MESSAGING', 'MANAGE'] });

describe('listPages', () => {
  it('follows the after cursor until there is no next page', async () => {
    graph.server.reply(
      {
        json: {
          data: [page('1', 'Shop A')],
          paging: { cursors: { before: 'B1', after: 'A1' }, next: 'https://x/next' },
        },
      },
      { json: { data: [page('2', 'Shop B')], paging: { cursors: { before: 'B2', after: 'A2' } } } },
    );
    const res = await graph.client.listPages(USER_TOKEN);
    expect(res).toEqual({ ok: true, pages: [page('1', 'Shop A'), page('2', 'Shop B')] });
    expect(graph.server.requests).toHaveLength(2);
    const [first, second] = graph.server.requests;
    expect(first?.url.pathname).toBe('/v25.0/me/accounts');
    expect(first?.url.searchParams.get('fields')).toBe('id,name,access_token,tasks');
    expect(first?.url.searchParams.has('after')).toBe(false);
    expect(first?.headers.authorization).toBe(`Bearer ${USER_TOKEN}`);
    expect(second?.url.searchParams.get('after')).toBe('A1');
    expect(second?.url.searchParams.get('fields')).toBe('id,name,access_token,tasks');
  });

  it('follows a next link on the Graph origin when there are no cursors', async () => {
    const next = `${graph.server.baseUrl}/v25.0/me/accounts?fields=id%2Cname%2Caccess_token%2Ctasks&offset=25`;
    graph.server.reply({ json: { data: [page('1', 'A')], paging: { next } } }, { json: { data: [page('2', 'B')] } });
    const res = await graph.client.listPages(USER_TOKEN);
    expect(res).toMatchObject({ ok: true, pages: [{ id: '1' }, { id: '2' }] });
    expect(graph.server.requests[1]?.url.searchParams.get('offset')).toBe('25');
  });

  it('keeps pages without a token and skips entries without an id', async () => {
    graph.server.reply({ json: { data: [{ id: 7, name: 'No tasks' }, { name: 'broken' }] } });
    expect(await graph.client.listPages(USER_TOKEN)).toEqual({
      ok: true,
      pages: [{ id: '7', name: 'No tasks', tasks: [] }],
    });
  });

  it('stops after MAX_ACCOUNT_PAGES requests when the cursor never ends', async () => {
    const looping = { json: { data: [], paging: { cursors: { after: 'same' }, next: 'https://x/next' } } };
    graph.server.reply(...Array.from({ length: MAX_ACCOUNT_PAGES + 5 }, () => looping));
    expect(await graph.client.listPages(USER_TOKEN)).toEqual({ ok: true, pages: [] });
    expect(graph.server.requests).toHaveLength(MAX_ACCOUNT_PAGES);
  });

  it('returns the failure of any page of results', async () => {
    graph.server.reply(
      { json: { data: [page('1', 'A')], paging: { cursors: { after: 'A1' }, next: 'https://x/next' } } },
      { status: 400, json: { error: { message: 'Session expired', code: 190, error_subcode: 463 } } },
    );
    expect(await graph.client.listPages(USER_TOKEN)).toMatchObject({ ok: false, kind: 'token' });
  });
});

describe('subscribeApp', () => {
  it('subscribes the app to the page with the fields in the query', async () => {
    graph.server.reply({ json: { success: true } });
    expect(await graph.client.subscribeApp('EAAB-page', '104857392018475', DEFAULT_PAGE_SUBSCRIBED_FIELDS)).toEqual({
      ok: true,
    });
    const req = graph.server.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.url.pathname).toBe('/v25.0/104857392018475/subscribed_apps');
    expect(req?.url.searchParams.get('subscribed_fields')).toBe(DEFAULT_PAGE_SUBSCRIBED_FIELDS.join(','));
    expect(req?.headers.authorization).toBe('Bearer EAAB-page');
  });

  it('reports a missing permission', async () => {
    graph.server.reply({ status: 403, json: { error: { message: '(#200) pages_manage_metadata', code: 200 } } });
    expect(await graph.client.subscribeApp('EAAB-page', '1', ['messages'])).toMatchObject({
      ok: false,
      kind: 'permission',
    });
  });
});
