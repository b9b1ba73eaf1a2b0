import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { resolveToken } from './graph-auth.ts';
import { graphError, isGraphError, sendGraphError } from './graph-errors.ts';
import { type GraphParams, graphParams, listParam, stringParam } from './graph-params.ts';
import { numericId, opaqueCode } from './ids.ts';
import { renderDialog, renderDialogError } from './oauth-dialog-page.ts';
import { issueUserToken } from './oauth-tokens.ts';
import { OAUTH_CODE_TTL_MS } from './platform-constants.ts';
import type { AccountRecord, AppRecord } from './state-types.ts';
import { debugToken } from './token-debug.ts';

const DEFAULT_TASKS = ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'];
/** OAuth endpoint errors are the caller's mistakes: HTTP 400 whatever the code (a wrong secret is code 1). */
const oauthError = (message: string, code = 100, subcode?: number) =>
  graphError(code, message, { raw: true, status: 400, ...(subcode === undefined ? {} : { subcode }) });

/** Strict redirect URI check: origin and path must equal a registered URI (none registered: any http(s) URI). */
function redirectAllowed(app: AppRecord, redirectUri: string): boolean {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (app.oauth_redirect_uris.length === 0) return true;
  const base = (value: string) => {
    const parsed = new URL(value);
    return `${parsed.origin}${parsed.pathname}`;
  };
  return app.oauth_redirect_uris.some((allowed) => base(allowed) === base(redirectUri));
}

function withQuery(target: string, query: Record<string, string>): string {
  const url = new URL(target);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

/** Facebook Login (messenger-platform.md §8): the dialog, code exchange, long-lived tokens, debug_token. */
export const oauthRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  const { state } = ctx;

  /** The account made for a state without accounts; it gains the pages created since (a reset forgets it). */
  let madeAdmin: AccountRecord | undefined;

  /** Without seeded accounts the dialog offers one account that manages every page. */
  function accounts(): AccountRecord[] {
    if (state.accounts.size === 0) {
      madeAdmin = { id: numericId(15), name: 'Emulator Admin', pages: [] };
      state.accounts.set(madeAdmin.id, madeAdmin);
    }
    if (madeAdmin && state.accounts.get(madeAdmin.id) === madeAdmin) {
      const managed = new Set(madeAdmin.pages.map((entry) => entry.page_id));
      for (const page_id of state.pages.keys())
        if (!managed.has(page_id)) madeAdmin.pages.push({ page_id, tasks: DEFAULT_TASKS });
    }
    return [...state.accounts.values()];
  }

  function checkDialog(params: GraphParams, reply: FastifyReply): { app: AppRecord; redirectUri: string } | undefined {
    const found = state.apps.get(stringParam(params, 'client_id') ?? '');
    if (!found) {
      reply
        .code(400)
        .type('text/html')
        .send(renderDialogError('Invalid App ID', 'The provided app ID does not look like a valid app ID.'));
      return undefined;
    }
    const redirectUri = stringParam(params, 'redirect_uri') ?? '';
    if (!redirectAllowed(found, redirectUri)) {
      reply
        .code(400)
        .type('text/html')
        .send(
          renderDialogError(
            'URL blocked',
            "This redirect failed because the redirect URI is not whitelisted in the app's client OAuth settings.",
          ),
        );
      return undefined;
    }
    return { app: found, redirectUri };
  }

  app.get('/dialog/oauth', async (request, reply) => {
    const params = graphParams(request);
    const checked = checkDialog(params, reply);
    if (!checked) return reply;
    const scopes = listParam(params, 'scope') ?? [];
    const hidden: Record<string, string> = {
      client_id: checked.app.id,
      redirect_uri: checked.redirectUri,
      scope: scopes.join(','),
    };
    const stateParam = stringParam(params, 'state');
    if (stateParam !== undefined) hidden.state = stateParam;
    const action = (request.originalUrl ?? request.url).split('?')[0] ?? '/dialog/oauth';
    return reply
      .type('text/html')
      .send(renderDialog({ app: checked.app, accounts: accounts(), pages: state.pages, scopes, hidden, action }));
  });

  app.post('/dialog/oauth', async (request, reply) => {
    const params = graphParams(request);
    const checked = checkDialog(params, reply);
    if (!checked) return reply;
    const stateParam = stringParam(params, 'state');
    const echoState: Record<string, string> = stateParam === undefined ? {} : { state: stateParam };
    if (stringParam(params, 'action') !== 'approve') {
      return reply.redirect(
        withQuery(checked.redirectUri, {
          error: 'access_denied',
          error_code: '200',
          error_description: 'Permissions error',
          error_reason: 'user_denied',
          ...echoState,
        }),
      );
    }
    const account = state.accounts.get(stringParam(params, 'account_id') ?? '');
    if (!account)
      return reply.code(400).type('text/html').send(renderDialogError('Choose an account', 'No account was chosen.'));
    const chosen = listParam(params, 'page_ids') ?? [];
    const pageIds = account.pages.map((entry) => entry.page_id).filter((id) => chosen.includes(id));
    const code = opaqueCode();
    state.oauthCodes.set(code, {
      code,
      app_id: checked.app.id,
      redirect_uri: checked.redirectUri,
      account_id: account.id,
      page_ids: pageIds,
      scopes: listParam(params, 'scope') ?? [],
      expires_at: ctx.clock.now() + OAUTH_CODE_TTL_MS,
      used: false,
    });
    return reply.redirect(withQuery(checked.redirectUri, { code, ...echoState }));
  });

  app.get('/oauth/access_token', async (request, reply) => {
    const params = graphParams(request);
    const client = state.apps.get(stringParam(params, 'client_id') ?? '');
    if (!client) return sendGraphError(reply, oauthError('Error validating application. Invalid application ID.', 101));
    const grantType = stringParam(params, 'grant_type');
    const secret = stringParam(params, 'client_secret');
    if (secret !== client.secret) return sendGraphError(reply, oauthError('Error validating client secret.', 1));
    if (grantType === 'client_credentials')
      return { access_token: `${client.id}|${client.secret}`, token_type: 'bearer' };
    if (grantType === 'fb_exchange_token') {
      const principal = resolveToken(ctx, stringParam(params, 'fb_exchange_token'));
      if (isGraphError(principal)) return sendGraphError(reply, principal);
      if (principal.kind !== 'user' || principal.app.id !== client.id) {
        return sendGraphError(reply, oauthError(`The access token does not belong to application ${client.id}`));
      }
      const { token } = principal;
      const long = issueUserToken(
        ctx,
        { app_id: client.id, account_id: principal.account.id, scopes: token.scopes, page_ids: token.granted_page_ids },
        true,
      );
      return {
        access_token: long.token,
        token_type: 'bearer',
        expires_in: Math.round((long.expires_at - ctx.clock.now()) / 1000),
      };
    }
    const record = state.oauthCodes.get(stringParam(params, 'code') ?? '');
    if (!record || record.app_id !== client.id)
      return sendGraphError(reply, oauthError('Invalid verification code format.'));
    if (record.used) return sendGraphError(reply, oauthError('This authorization code has been used.', 100, 36009));
    if (ctx.clock.now() > record.expires_at)
      return sendGraphError(reply, oauthError('This authorization code has expired.', 100, 36007));
    if (stringParam(params, 'redirect_uri') !== record.redirect_uri) {
      return sendGraphError(
        reply,
        oauthError(
          'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
          100,
          36008,
        ),
      );
    }
    record.used = true;
    const user = issueUserToken(
      ctx,
      { app_id: client.id, account_id: record.account_id, scopes: record.scopes, page_ids: record.page_ids },
      false,
    );
    return {
      access_token: user.token,
      token_type: 'bearer',
      expires_in: Math.round((user.expires_at - ctx.clock.now()) / 1000),
    };
  });

  app.get('/debug_token', async (request, reply) => {
    const params = graphParams(request);
    const result = debugToken(ctx, request, params);
    return isGraphError(result) ? sendGraphError(reply, result) : result;
  });
};
