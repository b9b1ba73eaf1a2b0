import { isRecord, toId, toInt, toStr } from './graph-json.ts';
import type { GraphRequester } from './graph-request.ts';
import { type GraphResult, missingField } from './graph-result.ts';

/** The permissions a page connection needs (messenger-platform.md §8.1). */
export const DEFAULT_LOGIN_SCOPES: readonly string[] = [
  'pages_show_list',
  'pages_messaging',
  'pages_manage_metadata',
  'pages_read_engagement',
];

export interface LoginDialogOptions {
  /** Where the dialog lives: `https://www.facebook.com`, or the emulator in tests. */
  facebookWebUrl: string;
  appId: string;
  /** Must be registered in the app's Valid OAuth Redirect URIs and sent again, identical, to `exchangeCode`. */
  redirectUri: string;
  /** CSRF token, checked on the callback. */
  state: string;
  scopes: readonly string[];
}

/** An OAuth token answer (`/oauth/access_token`). `expires_in` is in seconds when Graph gives it. */
export interface AccessToken {
  access_token: string;
  token_type?: string;
  expires_in?: number;
}

/** `debug_token`'s `data` (§8.5); times are epoch seconds, `expires_at` 0 means never. */
export interface TokenInfo {
  is_valid: boolean;
  type?: string;
  app_id?: string;
  application?: string;
  expires_at?: number;
  data_access_expires_at?: number;
  issued_at?: number;
  profile_id?: string;
  user_id?: string;
  scopes: string[];
}

export interface AppCredentials {
  appId: string;
  appSecret: string;
}

export interface OAuthApi {
  /** The Facebook Login dialog URL (`/{version}/dialog/oauth`, `response_type=code`). */
  loginDialogUrl(options: LoginDialogOptions): string;
  /** `GET /oauth/access_token` with the code from the callback: a (probably short-lived) user token. */
  exchangeCode(options: AppCredentials & { redirectUri: string; code: string }): Promise<GraphResult<AccessToken>>;
  /** `GET /oauth/access_token?grant_type=fb_exchange_token`: a user token of about 60 days. */
  exchangeForLongLivedToken(options: AppCredentials & { token: string }): Promise<GraphResult<AccessToken>>;
  /** `GET /debug_token?input_token=...` with the app token `{app-id}|{app-secret}`. */
  debugToken(options: AppCredentials & { token: string }): Promise<GraphResult<{ data: TokenInfo }>>;
}

/** OAuth calls over the shared requester; `version` also prefixes the login dialog path. */
export function createOAuthApi(graph: GraphRequester, version: string): OAuthApi {
  const tokenCall = async (query: Record<string, string>, secrets: string[]) => {
    const res = await graph.call({ method: 'GET', path: '/oauth/access_token', query, secrets });
    if (!res.ok) return res;
    return readAccessToken(res.body, res.status);
  };

  return {
    loginDialogUrl({ facebookWebUrl, appId, redirectUri, state, scopes }) {
      const params = new URLSearchParams({
        client_id: appId,
        redirect_uri: redirectUri,
        state,
        response_type: 'code',
        scope: scopes.join(','),
        // Permissions declined at an earlier login are asked again (messenger-platform.md §8.1): without it Facebook
        // does not show them, and a connect that failed for them fails the same way for ever.
        auth_type: 'rerequest',
      });
      const prefix = version ? `/${version}` : '';
      return `${facebookWebUrl.replace(/\/+$/, '')}${prefix}/dialog/oauth?${params}`;
    },

    exchangeCode({ appId, appSecret, redirectUri, code }) {
      const query = { client_id: appId, redirect_uri: redirectUri, client_secret: appSecret, code };
      return tokenCall(query, [appSecret, code]);
    },

    exchangeForLongLivedToken({ appId, appSecret, token }) {
      const query = { grant_type: 'fb_exchange_token', client_id: appId, client_secret: appSecret };
      return tokenCall({ ...query, fb_exchange_token: token }, [appSecret, token]);
    },

    async debugToken({ appId, appSecret, token }) {
      const res = await graph.call({
        method: 'GET',
        path: '/debug_token',
        token: `${appId}|${appSecret}`,
        query: { input_token: token },
        secrets: [token, appSecret],
      });
      if (!res.ok) return res;
      const data = isRecord(res.body) ? res.body.data : undefined;
      if (!isRecord(data)) return missingField(res.status, 'data');
      return { ok: true, data: readTokenInfo(data) };
    },
  };
}

function readAccessToken(body: unknown, status: number): GraphResult<AccessToken> {
  const token = isRecord(body) ? toStr(body.access_token) : undefined;
  if (!isRecord(body) || !token) return missingField(status, 'access_token');
  const result: { ok: true } & AccessToken = { ok: true, access_token: token };
  const type = toStr(body.token_type);
  const expiresIn = toInt(body.expires_in);
  if (type !== undefined) result.token_type = type;
  if (expiresIn !== undefined) result.expires_in = expiresIn;
  return result;
}

function readTokenInfo(data: Record<string, unknown>): TokenInfo {
  const info: TokenInfo = {
    is_valid: data.is_valid === true,
    scopes: Array.isArray(data.scopes) ? data.scopes.filter((s): s is string => typeof s === 'string') : [],
  };
  const strings = { type: toStr(data.type), application: toStr(data.application) };
  const ids = { app_id: toId(data.app_id), profile_id: toId(data.profile_id), user_id: toId(data.user_id) };
  const times = {
    expires_at: toInt(data.expires_at),
    data_access_expires_at: toInt(data.data_access_expires_at),
    issued_at: toInt(data.issued_at),
  };
  for (const [key, value] of Object.entries({ ...strings, ...ids, ...times })) {
    if (value !== undefined) Object.assign(info, { [key]: value });
  }
  return info;
}
