import { describe, expect, it } from 'vitest';
import { useScriptedGraph } from '../../../test/support/scripted-graph-server.ts';
import { syncMessengerProfile } from './sync-profile.ts';

const TOKEN = 'EAAB-page-token-sync';
const graph = useScriptedGraph();
const GREETING = { greeting: [{ locale: 'default' as const, text: 'Hello!' }] };
/** Messenger's answer when the page's 10 profile calls per 10 minutes are spent (§4.2, §9). */
const LIMITED = { message: '(#613) Calls to this api have exceeded the rate limit.', code: 613 };

describe('syncMessengerProfile', () => {
  it('passes on how long Graph asked to wait when it limits the page’s profile calls', async () => {
    const usage = JSON.stringify({ P1: [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 7 }] });
    graph.server.reply(
      { status: 400, json: { error: LIMITED }, headers: { 'x-business-use-case-usage': usage } },
      { json: { data: [] } },
      { status: 400, json: { error: LIMITED }, headers: { 'retry-after': '120' } },
    );
    expect(await syncMessengerProfile(graph.client, TOKEN, GREETING)).toEqual({
      status: 'failed',
      error: LIMITED.message,
      kind: 'rate_limited',
      retryable: true,
      retry_after_ms: 7 * 60_000,
    });
    expect(await syncMessengerProfile(graph.client, TOKEN, GREETING)).toMatchObject({
      status: 'failed',
      retryable: true,
      retry_after_ms: 120_000,
    });
  });

  it('calls nothing when nothing is wanted and nothing of its own is on the page', async () => {
    expect(await syncMessengerProfile(graph.client, TOKEN, {}, [])).toEqual({ status: 'unchanged' });
    expect(graph.server.requests).toEqual([]);
  });

  it('says a refused token is one, not worth trying again', async () => {
    const expired = { message: 'Error validating access token: Session has expired', code: 190, error_subcode: 463 };
    graph.server.reply({ status: 400, json: { error: expired } });
    const result = await syncMessengerProfile(graph.client, TOKEN, GREETING);
    expect(result).toEqual({ status: 'failed', error: expired.message, kind: 'token', retryable: false });
  });
});
