import { readFileSync } from 'node:fs';
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

  it('passes on how long Graph asked to wait, and says a refused token is one', async () => {
    const limited = { message: '(#32) Page request limit reached', code: 32 };
    const expired = { message: 'Error validating access token: Session has expired', code: 190, error_subcode: 463 };
    graph.server.reply(
      { status: 400, json: { error: limited }, headers: { 'retry-after': '90' } },
      { status: 400, json: { error: expired } },
    );
    expect(await subscribePage(graph.client, 'EAAB-page', 'P1', APP)).toEqual({
      status: 'failed',
      step: 'read',
      error: limited.message,
      kind: 'rate_limited',
      retryable: true,
      retry_after_ms: 90_000,
    });
    expect(await subscribePage(graph.client, 'EAAB-page', 'P1', APP)).toEqual({
      status: 'failed',
      step: 'read',
      error: expired.message,
      kind: 'token',
      retryable: false,
    });
  });
});

describe('the README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');

  it('names every webhook field the gateway subscribes pages to, and counts them right', () => {
    for (const field of DEFAULT_PAGE_SUBSCRIBED_FIELDS) expect(readme).toContain(`\`${field}\``);
    const words = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen'];
    const counted = /the (\w+) fields above/.exec(readme)?.[1];
    expect(counted && words.indexOf(counted) + 10).toBe(DEFAULT_PAGE_SUBSCRIBED_FIELDS.length);
  });
});
