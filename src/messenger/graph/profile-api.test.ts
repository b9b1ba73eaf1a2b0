import { describe, expect, it } from 'vitest';
import { useScriptedGraph } from '../../../test/support/scripted-graph-server.ts';

const TOKEN = 'EAAB-page-token-profile';
const graph = useScriptedGraph();

describe('getUserProfile', () => {
  it('asks for the basic fields by default and returns the profile', async () => {
    graph.server.reply({
      json: { first_name: 'Lena', last_name: 'Okafor', profile_pic: 'https://cdn.test/p.jpg', id: '6021938475610234' },
    });
    const res = await graph.client.getUserProfile(TOKEN, '6021938475610234');
    expect(res).toEqual({
      ok: true,
      profile: { first_name: 'Lena', last_name: 'Okafor', profile_pic: 'https://cdn.test/p.jpg' },
    });
    const req = graph.server.requests[0];
    expect(req?.method).toBe('GET');
    expect(req?.url.pathname).toBe('/v25.0/6021938475610234');
    expect(req?.url.searchParams.get('fields')).toBe('first_name,last_name,profile_pic');
  });

  it('asks for locale and timezone when requested and reads a numeric-string timezone', async () => {
    graph.server.reply({ json: { first_name: 'Ana', locale: 'pt_BR', timezone: '-3' } });
    const res = await graph.client.getUserProfile(TOKEN, '42', ['first_name', 'locale', 'timezone']);
    expect(res).toEqual({ ok: true, profile: { first_name: 'Ana', locale: 'pt_BR', timezone: -3 } });
    expect(graph.server.requests[0]?.url.searchParams.get('fields')).toBe('first_name,locale,timezone');
  });

  it('reports a person without a profile as an invalid request', async () => {
    graph.server.reply({ status: 400, json: { error: { message: 'No profile', code: 100, error_subcode: 2018218 } } });
    const res = await graph.client.getUserProfile(TOKEN, '42');
    expect(res).toMatchObject({ ok: false, kind: 'invalid', error: { code: 100, error_subcode: 2018218 } });
  });

  it('reports a PSID of another page as a recipient failure', async () => {
    graph.server.reply({
      status: 400,
      json: { error: { message: 'No matching user', code: 100, error_subcode: 2018001 } },
    });
    expect(await graph.client.getUserProfile(TOKEN, '42')).toMatchObject({ ok: false, kind: 'recipient' });
  });
});
