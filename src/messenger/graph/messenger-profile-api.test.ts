import { describe, expect, it } from 'vitest';
import { useScriptedGraph } from '../../../test/support/scripted-graph-server.ts';
import type { MessengerProfile } from './messenger-profile-api.ts';

const TOKEN = 'EAAB-page-token-mp';
const graph = useScriptedGraph();

const PROFILE: MessengerProfile = {
  get_started: { payload: 'GET_STARTED' },
  greeting: [{ locale: 'default', text: 'Hi {{user_first_name}}!' }],
  persistent_menu: [
    {
      locale: 'default',
      composer_input_disabled: false,
      call_to_actions: [{ type: 'postback', title: 'Restart', payload: 'RESTART' }],
    },
  ],
};

describe('getMessengerProfile', () => {
  it('merges every object of data, whether Graph answers one object or one per field', async () => {
    graph.server.reply(
      { json: { data: [PROFILE] } },
      {
        json: {
          data: [
            { get_started: PROFILE.get_started },
            { greeting: PROFILE.greeting },
            { persistent_menu: PROFILE.persistent_menu },
          ],
        },
      },
    );
    const fields = ['get_started', 'greeting', 'persistent_menu'] as const;
    expect(await graph.client.getMessengerProfile(TOKEN, fields)).toEqual({ ok: true, profile: PROFILE });
    expect(await graph.client.getMessengerProfile(TOKEN, fields)).toEqual({ ok: true, profile: PROFILE });
    const req = graph.server.requests[0];
    expect(req?.method).toBe('GET');
    expect(req?.url.pathname).toBe('/v25.0/me/messenger_profile');
    expect(req?.url.searchParams.get('fields')).toBe('get_started,greeting,persistent_menu');
  });

  it('returns an empty profile when nothing is set', async () => {
    graph.server.reply({ json: { data: [] } });
    expect(await graph.client.getMessengerProfile(TOKEN, ['greeting'])).toEqual({ ok: true, profile: {} });
  });

  it('reports the Messenger Profile rate limit as retryable', async () => {
    graph.server.reply({ status: 400, json: { error: { message: 'Too many calls', code: 613 } } });
    expect(await graph.client.getMessengerProfile(TOKEN, ['greeting'])).toMatchObject({
      ok: false,
      kind: 'rate_limited',
    });
  });
});

describe('setMessengerProfile', () => {
  it('posts the properties as JSON', async () => {
    graph.server.reply({ json: { result: 'success' } });
    expect(await graph.client.setMessengerProfile(TOKEN, PROFILE)).toEqual({ ok: true });
    expect(graph.server.requests[0]?.method).toBe('POST');
    expect(graph.server.requests[0]?.url.pathname).toBe('/v25.0/me/messenger_profile');
    expect(graph.server.requests[0]?.json).toEqual(PROFILE);
  });

  it('reports a rejected property as invalid', async () => {
    graph.server.reply({ status: 400, json: { error: { message: 'Requires get_started', code: 100 } } });
    const res = await graph.client.setMessengerProfile(TOKEN, { persistent_menu: PROFILE.persistent_menu ?? [] });
    expect(res).toMatchObject({ ok: false, kind: 'invalid', error: { message: 'Requires get_started' } });
  });
});

describe('deleteMessengerProfileFields', () => {
  it('sends DELETE with the field names as JSON', async () => {
    graph.server.reply({ json: { result: 'success' } });
    expect(await graph.client.deleteMessengerProfileFields(TOKEN, ['persistent_menu', 'greeting'])).toEqual({
      ok: true,
    });
    expect(graph.server.requests[0]?.method).toBe('DELETE');
    expect(graph.server.requests[0]?.url.pathname).toBe('/v25.0/me/messenger_profile');
    expect(graph.server.requests[0]?.json).toEqual({ fields: ['persistent_menu', 'greeting'] });
  });
});
