import { describe, expect, it } from 'vitest';
import { useScriptedGraph } from '../../test/support/scripted-graph-server.ts';
import { DEFAULT_PAGE_SUBSCRIBED_FIELDS } from './graph/pages-api.ts';
import { subscribePage } from './page-subscription.ts';

const graph = useScriptedGraph();
const APP = '1517776481860111';

describe('subscribePage', () => {
  it('adds the missing fields to what the app has, and leaves other apps alone', async () => {
    graph.server.reply(
      {
        json: {
          data: [
            { id: '999', name: 'Another app', subscribed_fields: ['feed'] },
            { id: APP, name: 'Ours', subscribed_fields: ['messages', 'feed'] },
          ],
        },
      },
      { json: { success: true } },
    );
    const result = await subscribePage(graph.client, 'EAAB-page', 'P1', APP);
    expect(result).toEqual({ status: 'subscribed', added: DEFAULT_PAGE_SUBSCRIBED_FIELDS.slice(1) });
    const [read, write] = graph.server.requests;
    expect(read?.method).toBe('GET');
    expect(write?.url.pathname).toBe('/v25.0/P1/subscribed_apps');
    expect(write?.url.searchParams.get('subscribed_fields')?.split(',')).toEqual([
      'messages',
      'feed',
      ...DEFAULT_PAGE_SUBSCRIBED_FIELDS.slice(1),
    ]);
  });

  it('writes nothing when the app has every field', async () => {
    graph.server.reply({ json: { data: [{ id: APP, subscribed_fields: [...DEFAULT_PAGE_SUBSCRIBED_FIELDS] }] } });
    expect(await subscribePage(graph.client, 'EAAB-page', 'P1', APP)).toEqual({ status: 'unchanged' });
    expect(graph.server.requests).toHaveLength(1);
  });

  it('says whether a refusal is worth trying again', async () => {
    const permission = { message: '(#200) Requires pages_manage_metadata permission', code: 200 };
    graph.server.reply(
      { status: 403, json: { error: permission } },
      { status: 503, json: { error: { message: 'busy', code: 2 } } },
    );
    expect(await subscribePage(graph.client, 'EAAB-page', 'P1', APP)).toMatchObject({
      status: 'failed',
      retryable: false,
    });
    expect(await subscribePage(graph.client, 'EAAB-page', 'P1', APP)).toMatchObject({
      status: 'failed',
      retryable: true,
    });
  });
});
