import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useScriptedGraph } from '../../../test/support/scripted-graph-server.ts';
import { DEFAULT_LOGIN_SCOPES } from './oauth-api.ts';

const APP = { appId: '1517776481860111', appSecret: 'oauth-app-secret' };
const graph = useScriptedGraph({ appSecret: APP.appSecret });

describe('loginDialogUrl', () => {
  it('builds the versioned dialog URL with a code response, comma-separated scopes, re-asking declined ones', () => {
    const url = new URL(
      graph.client.loginDialogUrl({
        facebookWebUrl: 'http://127.0.0.1:4010/',
        appId: APP.appId,
        redirectUri: 'https://bot.example.com/oauth/facebook/callback?x=1',
        state: 'csrf-123',
        scopes: DEFAULT_LOGIN_SCOPES,
      }),
    );
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:4010/v25.0/dialog/oauth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: APP.appId,
      redirect_uri: 'https://bot.example.com/oauth/facebook/callback?x=1',
      state: 'csrf-123',
      response_type: 'code',
      scope: 'pages_show_list,pages_messaging,pages_manage_metadata,pages_read_engagement',
      auth_type: 'rerequest',
    });
  });
});

describe('exchangeCode', () => {
  it('exchanges the code with the identical redirect URI and returns the user token', async () => {
    graph.server.reply({ json: { access_token: 'EAAB-user', token_type: 'bearer', expires_in: 5183944 } });
    const res = await graph.client.exchangeCode({ ...APP, redirectUri: 'https://bot.example.com/cb', code: 'code-1' });
    expect(res).toEqual({ ok: true, access_token: 'EAAB-user', token_type: 'bearer', expires_in: 5183944 });
    const req = graph.server.requests[0];
    expect(req?.method).toBe('GET');
    expect(req?.url.pathname).toBe('/v25.0/oauth/access_token');
    expect(Object.fromEntries(req?.url.searchParams ?? [])).toEqual({
      client_id: APP.appId,
      redirect_uri: 'https://bot.example.com/cb',
      client_secret: APP.appSecret,
      code: 'code-1',
    });
    expect(req?.headers.authorization).toBeUndefined();
  });

  it('reports a used code without echoing the code or the secret', async () => {
    const message = `Invalid verification code code-1 (client_secret ${APP.appSecret})`;
    graph.server.reply({ status: 400, json: { error: { message, type: 'OAuthException', code: 100 } } });
    const res = await graph.client.exchangeCode({ ...APP, redirectUri: 'https://bot.example.com/cb', code: 'code-1' });
    expect(res).toMatchObject({ ok: false, kind: 'invalid' });
    expect(JSON.stringify(res)).not.toContain('code-1');
    expect(JSON.stringify(res)).not.toContain(APP.appSecret);
  });

  it('fails when the answer carries no access_token', async () => {
    graph.server.reply({ json: { token_type: 'bearer' } });
    const res = await graph.client.exchangeCode({ ...APP, redirectUri: 'https://bot.example.com/cb', code: 'c' });
    expect(res).toMatchObject({
      ok: false,
      kind: 'invalid',
      error: { message: 'Graph answered without access_token' },
    });
  });
});

describe('exchangeForLongLivedToken', () => {
  it('uses the fb_exchange_token grant', async () => {
    graph.server.reply({ json: { access_token: 'EAAB-long', token_type: 'bearer', expires_in: 5183944 } });
    const res = await graph.client.exchangeForLongLivedToken({ ...APP, token: 'EAAB-short' });
    expect(res).toEqual({ ok: true, access_token: 'EAAB-long', token_type: 'bearer', expires_in: 5183944 });
    expect(Object.fromEntries(graph.server.requests[0]?.url.searchParams ?? [])).toEqual({
      grant_type: 'fb_exchange_token',
      client_id: APP.appId,
      client_secret: APP.appSecret,
      fb_exchange_token: 'EAAB-short',
    });
  });
});

describe('debugToken', () => {
  it('inspects a token with the app token and returns its data', async () => {
    graph.server.reply({
      json: {
        data: {
          app_id: '1517776481860111',
          type: 'PAGE',
          application: 'My Bot',
          data_access_expires_at: 1775001600,
          expires_at: 0,
          is_valid: true,
          issued_at: 1767225600,
          profile_id: '104857392018475',
          scopes: ['pages_messaging', 'pages_show_list'],
          user_id: '10223344556677889',
        },
      },
    });
    const res = await graph.client.debugToken({ ...APP, token: 'EAAB-page' });
    expect(res).toEqual({
      ok: true,
      data: {
        app_id: '1517776481860111',
        type: 'PAGE',
        application: 'My Bot',
        data_access_expires_at: 1775001600,
        expires_at: 0,
        is_valid: true,
        issued_at: 1767225600,
        profile_id: '104857392018475',
        scopes: ['pages_messaging', 'pages_show_list'],
        user_id: '10223344556677889',
      },
    });
    const req = graph.server.requests[0];
    const appToken = `${APP.appId}|${APP.appSecret}`;
    expect(req?.url.pathname).toBe('/v25.0/debug_token');
    expect(req?.url.searchParams.get('input_token')).toBe('EAAB-page');
    expect(req?.headers.authorization).toBe(`Bearer ${appToken}`);
    expect(req?.url.searchParams.get('appsecret_proof')).toBe(
      createHmac('sha256', APP.appSecret).update(appToken).digest('hex'),
    );
  });

  it('reads an invalid token as is_valid false with no scopes', async () => {
    graph.server.reply({ json: { data: { is_valid: false, error: { code: 190, message: 'expired' } } } });
    expect(await graph.client.debugToken({ ...APP, token: 'EAAB-old' })).toEqual({
      ok: true,
      data: { is_valid: false, scopes: [] },
    });
  });
});
