import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient, type GraphClient } from './graph-client.ts';
import { type ScriptedGraphServer, startScriptedGraphServer } from './scripted-graph-server.ts';

const TOKEN = 'EAAB-page-token-profile';
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

describe('getUserProfile', () => {
  it('asks for the basic fields by default and returns the profile', async () => {
    server.reply({
      json: { first_name: 'Lena', last_name: 'Okafor', profile_pic: 'https://cdn.test/p.jpg', id: '6021938475610234' },
    });
    const res = await client.getUserProfile(TOKEN, '6021938475610234');
    expect(res).toEqual({
      ok: true,
      profile: { first_name: 'Lena', last_name: 'Okafor', profile_pic: 'https://cdn.test/p.jpg' },
    });
    const req = server.requests[0];
    expect(req?.method).toBe('GET');
    expect(req?.url.pathname).toBe('/v25.0/6021938475610234');
    expect(req?.url.searchParams.get('fields')).toBe('first_name,last_name,profile_pic');
  });

  it('asks for locale and timezone when requested and reads a numeric-string timezone', async () => {
    server.reply({ json: { first_name: 'Ana', locale: 'pt_BR', timezone: '-3' } });
    const res = await client.getUserProfile(TOKEN, '42', ['first_name', 'locale', 'timezone']);
    expect(res).toEqual({ ok: true, profile: { first_name: 'Ana', locale: 'pt_BR', timezone: -3 } });
    expect(server.requests[0]?.url.searchParams.get('fields')).toBe('first_name,locale,timezone');
  });

  it('reports a person without a profile as an invalid request', async () => {
    server.reply({ status: 400, json: { error: { message: 'No profile', code: 100, error_subcode: 2018218 } } });
    const res = await client.getUserProfile(TOKEN, '42');
    expect(res).toMatchObject({ ok: false, kind: 'invalid', error: { code: 100, error_subcode: 2018218 } });
  });

  it('reports a PSID of another page as a recipient failure', async () => {
    server.reply({ status: 400, json: { error: { message: 'No matching user', code: 100, error_subcode: 2018001 } } });
    expect(await client.getUserProfile(TOKEN, '42')).toMatchObject({ ok: false, kind: 'recipient' });
  });
});
