import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { GraphClient } from '../messenger/graph/graph-client.ts';
import { DEFAULT_LOGIN_SCOPES } from '../messenger/graph/oauth-api.ts';
import { pagesFromLogin } from '../messenger/page-connection.ts';
import { saveConnectedPages } from '../storage/page-connections.ts';
import type { Database } from '../storage/schema.ts';
import type { SecretBox } from '../storage/secret-box.ts';
import { requireAdmin } from './auth.ts';
import { ApiError } from './errors.ts';
import type { PageDirectory } from './page-directory.ts';
import { parseRequest } from './request-parsing.ts';

export interface OAuthRoutesDeps {
  db: Kysely<Database>;
  box: SecretBox;
  directory: PageDirectory;
  graphFor: (appId: string) => GraphClient;
  /** The address Facebook sends the browser back to (`PUBLIC_URL`). */
  publicUrl: string;
  facebookWebUrl: string;
  authenticate: onRequestHookHandler;
  /** Pages just connected: their webhook subscription and Messenger profile are set up (in the background). */
  connected: (pageIds: string[]) => void;
  logger: Logger;
  now: () => number;
}

/** A login has this long to come back: about as long as Facebook keeps its code (messenger-platform.md §8.2). */
const LOGIN_TTL_MS = 10 * 60_000;
const COOKIE = 'sb_oauth_state';
const CALLBACK_PATH = '/oauth/facebook/callback';
/** Where people land after a login, with `connected=<n>` or `connect_error=<why>`. */
const INBOX = '/inbox/';

const startBody = z.object({ app_id: z.string().min(1).optional() }).strict();
const callbackQuery = z.object({
  code: z.string().optional(),
  state: z.string().optional(),
  error: z.string().optional(),
  error_reason: z.string().optional(),
  error_description: z.string().optional(),
});

/** What the `state` parameter carries, sealed: only this gateway can make one or read it. */
interface LoginState {
  nonce: string;
  appId: string;
  expiresAt: number;
}

/**
 * Connecting pages with Facebook Login (messenger-platform.md §8). An admin starts it from the inbox
 * (`POST /api/oauth/facebook/start` answers the dialog's address); Facebook sends the browser back to
 * `/oauth/facebook/callback`, which turns the code into page tokens, stores them sealed, and sends the browser on to the
 * inbox. The callback carries no credentials, so the `state` is sealed by the gateway and names a nonce that only the
 * browser which started the login holds, in a cookie cleared by its callback: a login cannot be finished in another
 * browser, and Facebook's code is good once. One login at a time per browser: a second one replaces the cookie.
 */
export const oauthRoutes: FastifyPluginAsync<OAuthRoutesDeps> = async (app, deps) => {
  const { box, directory, logger } = deps;
  const redirectUri = `${deps.publicUrl}${CALLBACK_PATH}`;
  const publicHost = new URL(deps.publicUrl).hostname;
  const secure = deps.publicUrl.startsWith('https:') ? '; Secure' : '';
  const cookie = (value: string, maxAgeSeconds: number) =>
    `${COOKIE}=${value}; Path=/oauth/facebook; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;

  app.post('/api/oauth/facebook/start', { onRequest: deps.authenticate }, async (request, reply) => {
    requireAdmin(request, 'connect pages');
    // The cookie is this host's, and Facebook sends the browser back to PUBLIC_URL's: they must be one.
    if (request.hostname !== publicHost)
      throw new ApiError('SB_BAD_REQUEST', `open the inbox at ${deps.publicUrl} (PUBLIC_URL) to connect pages`);
    const body = parseRequest(startBody, request.body ?? {});
    const apps = directory.apps();
    const appId = body.app_id ?? (apps.length === 1 ? apps[0]?.id : undefined);
    if (!appId)
      throw new ApiError(
        'SB_BAD_REQUEST',
        apps.length === 0 ? 'no Facebook app is configured' : 'several apps are configured: give app_id',
      );
    // Not quoted: it is the request's own, of any length.
    if (!directory.app(appId)) throw new ApiError('SB_BAD_REQUEST', 'app_id: no app with this id is configured');
    const nonce = randomBytes(24).toString('base64url');
    const state: LoginState = { nonce, appId, expiresAt: deps.now() + LOGIN_TTL_MS };
    const url = deps.graphFor(appId).loginDialogUrl({
      facebookWebUrl: deps.facebookWebUrl,
      appId,
      redirectUri,
      state: box.seal(JSON.stringify(state)),
      scopes: DEFAULT_LOGIN_SCOPES,
    });
    reply.header('set-cookie', cookie(nonce, LOGIN_TTL_MS / 1000));
    return { url };
  });

  app.get(CALLBACK_PATH, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const back = (outcome: Record<string, string>) => reply.redirect(`${INBOX}?${new URLSearchParams(outcome)}`);
    const query = callbackQuery.safeParse(request.query);
    const state = query.success ? loginState(request, query.data.state) : undefined;
    // Not this browser's login: the cookie stays, or any page could send the browser here and end a login under way.
    if (!query.success || !state)
      return back({ connect_error: 'this login was not started here, or took over 10 minutes: connect again' });
    reply.header('set-cookie', cookie('', 0));
    const { code, error, error_reason, error_description } = query.data;
    if (error || !code) {
      const why = error_reason === 'user_denied' ? 'Facebook Login was cancelled' : 'Facebook Login failed';
      logger.info({ error, error_reason, error_description }, 'Facebook Login did not connect pages');
      return back({ connect_error: why });
    }
    const stored = directory.app(state.appId);
    if (!stored) return back({ connect_error: `app ${state.appId} is no longer configured` });
    const login = await pagesFromLogin(
      deps.graphFor(stored.id),
      { appId: stored.id, appSecret: stored.secret },
      { code, redirectUri },
    );
    if (!login.ok) {
      logger.warn({ appId: stored.id, error: login.message }, 'Facebook Login did not connect pages');
      return back({ connect_error: login.message });
    }
    let saved: Awaited<ReturnType<typeof saveConnectedPages>>;
    try {
      saved = await saveConnectedPages(deps.db, box, {
        appId: stored.id,
        userId: login.userId,
        pages: login.pages,
        now: deps.now(),
      });
      if (saved.connected.length > 0) await directory.reload();
    } catch (err) {
      // The person is a browser away from the inbox: tell them there, not with a JSON error page.
      logger.error({ err, appId: stored.id }, 'could not store the pages Facebook Login gave');
      return back({ connect_error: 'the gateway could not store the pages: connect again' });
    }
    const skipped = login.skipped.map((p) => p.id);
    logger.info({ appId: stored.id, ...saved, skipped }, 'pages connected with Facebook Login');
    if (saved.connected.length === 0)
      return back({ connect_error: noPagesConnected(saved.configured.length, login.skipped) });
    deps.connected(saved.connected);
    return back({ connected: String(saved.connected.length) });
  });

  /** The sealed state, if it is this gateway's, unexpired, and its nonce is the browser's cookie. */
  function loginState(request: FastifyRequest, sealed: string | undefined): LoginState | undefined {
    const held = cookieValue(request, COOKIE);
    if (!sealed || !held) return undefined;
    let state: LoginState;
    try {
      state = JSON.parse(box.open(sealed));
    } catch {
      return undefined;
    }
    const [a, b] = [Buffer.from(state.nonce ?? ''), Buffer.from(held)];
    if (a.length !== b.length || !timingSafeEqual(a, b) || !(state.expiresAt > deps.now())) return undefined;
    return state;
  }
};

function noPagesConnected(configured: number, skipped: { why: 'messaging' | 'token' }[]): string {
  if (configured + skipped.length === 0) return 'your Facebook account manages no page this app can use';
  const role = skipped.filter((page) => page.why === 'messaging').length;
  const tokenless = skipped.length - role;
  const reasons = [];
  if (configured > 0) reasons.push(`${configured} already configured in switchboard.yaml or the environment`);
  if (role > 0) reasons.push(`${role} where your role does not allow answering messages`);
  if (tokenless > 0) reasons.push(`${tokenless} for which Facebook gave no page token`);
  return `no page was connected: ${reasons.join(', ')}`;
}

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || undefined;
  }
  return undefined;
}
