import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient, type GraphClient } from './graph-client.ts';
import type { MessengerProfile } from './messenger-profile-api.ts';
import { type ScriptedGraphServer, startScriptedGraphServer } from './scripted-graph-server.ts';

const TOKEN = 'EAAB-page-token-mp';
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
    server.reply(
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
    expect(await client.getMessengerProfile(TOKEN, fields)).toEqual({ ok: true, profile: PROFILE });
    expect(await client.getMessengerProfile(TOKEN, fields)).toEqual({ ok: true, profile: PROFILE });
    const req = server.requests[0];
    expect(req?.method).toBe('GET');
    expect(req?.url.pathname).toBe('/v25.0/me/messenger_profile');
    expect(req?.url.searchParams.get('fields')).toBe('get_started,greeting,persistent_menu');
  });

  it('returns an empty profile when nothing is set', async () => {
    server.reply({ json: { data: [] } });
    expect(await client.getMessengerProfile(TOKEN, ['greeting'])).toEqual({ ok: true, profile: {} });
  });

  it('reports the Messenger Profile rate limit as retryable', async () => {
    server.reply({ status: 400, json: { error: { message: 'Too many calls', code: 613 } } });
    expect(await client.getMessengerProfile(TOKEN, ['greeting'])).toMatchObject({ ok: false, kind: 'rate_limited' });
  });
});

describe('setMessengerProfile', () => {
  it('posts the properties as JSON', async () => {
    server.reply({ json: { result: 'success' } });
    expect(await client.setMessengerProfile(TOKEN, PROFILE)).toEqual({ ok: true });
    expect(server.requests[0]?.method).toBe('POST');
    expect(server.requests[0]?.url.pathname).toBe('/v25.0/me/messenger_profile');
    expect(server.requests[0]?.json).toEqual(PROFILE);
  });

  it('reports a rejected property as invalid', async () => {
    server.reply({ status: 400, json: { error: { message: 'Requires get_started', code: 100 } } });
    const res = await client.setMessengerProfile(TOKEN, { persistent_menu: PROFILE.persistent_menu ?? [] });
    expect(res).toMatchObject({ ok: false, kind: 'invalid', error: { message: 'Requires get_started' } });
  });
});

describe('deleteMessengerProfileFields', () => {
  it('sends DELETE with the field names as JSON', async () => {
    server.reply({ json: { result: 'success' } });
    expect(await client.deleteMessengerProfileFields(TOKEN, ['persistent_menu', 'greeting'])).toEqual({ ok: true });
    expect(server.requests[0]?.method).toBe('DELETE');
    expect(server.requests[0]?.url.pathname).toBe('/v25.0/me/messenger_profile');
    expect(server.requests[0]?.json).toEqual({ fields: ['persistent_menu', 'greeting'] });
  });
});
