import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { type GraphError, isGraphError, tokenErrors, unsupportedRequest } from './graph-errors.ts';
import { type GraphParams, stringParam } from './graph-params.ts';
import { missingAccess, type PageAccess } from './page-access.ts';
import type { AccountRecord, AppRecord, PageRecord, TokenRecord } from './state-types.ts';

/** Who is calling, from the access token. */
export type Principal =
  | { kind: 'page'; token: TokenRecord; page: PageRecord; app: AppRecord }
  | { kind: 'user'; token: TokenRecord; account: AccountRecord; app: AppRecord }
  | { kind: 'app'; app: AppRecord };

/** The access token from the query, the body, or `Authorization: Bearer|OAuth` (§0). */
export function tokenFrom(request: FastifyRequest, params: GraphParams): string | undefined {
  const fromParams = stringParam(params, 'access_token');
  if (fromParams) return fromParams;
  const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1]?.trim();
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function checkProof(params: GraphParams, token: string, app: AppRecord): GraphError | undefined {
  const proof = stringParam(params, 'appsecret_proof');
  if (proof === undefined) return undefined;
  const expected = createHmac('sha256', app.secret).update(token).digest('hex');
  return sameHex(proof.toLowerCase(), expected) ? undefined : tokenErrors.badProof();
}

/** Resolves a token to a principal or a 190-family error (§4.2). */
export function resolveToken(
  ctx: EmulatorContext,
  token: string | undefined,
  params: GraphParams = {},
): Principal | GraphError {
  if (!token) return tokenErrors.missing();
  const { state } = ctx;
  if (token.includes('|')) {
    const [appId = '', secret = ''] = token.split('|');
    const app = state.apps.get(appId);
    if (!app || !sameHex(secret, app.secret)) return tokenErrors.unparsable();
    return { kind: 'app', app };
  }
  const record = state.tokens.get(token);
  if (!record) return tokenErrors.unparsable();
  if (record.revoked) return tokenErrors.revoked();
  if (record.expires_at !== 0 && ctx.clock.now() >= record.expires_at) return tokenErrors.expired(record.expires_at);
  const app = state.apps.get(record.app_id);
  if (!app) return tokenErrors.appNotInstalled();
  const proofError = checkProof(params, token, app);
  if (proofError) return proofError;
  if (record.kind === 'page') {
    const page = record.page_id ? state.pages.get(record.page_id) : undefined;
    return page ? { kind: 'page', token: record, page, app } : tokenErrors.unparsable();
  }
  const account = record.account_id ? state.accounts.get(record.account_id) : undefined;
  return account ? { kind: 'user', token: record, account, app } : tokenErrors.unparsable();
}

export function authenticate(
  ctx: EmulatorContext,
  request: FastifyRequest,
  params: GraphParams,
): Principal | GraphError {
  return resolveToken(ctx, tokenFrom(request, params), params);
}

/**
 * The page a page-scoped edge (`/{page-id}/messages`, `/me/messenger_profile`, …) acts on.
 * `me` is the token's page. A page token used on another page's edge gets 100/33, the error Graph
 * gives for an object the token cannot load or an operation it does not support: the token's
 * page cannot act as another page, whether or not that page exists here.
 */
export function pageFor(
  principal: Principal,
  node: string,
  method: string,
): { page: PageRecord; appId: string; principal: Extract<Principal, { kind: 'page' }> } | GraphError {
  if (principal.kind !== 'page') return tokenErrors.pageTokenRequired();
  if (node !== 'me' && node !== principal.page.id) return unsupportedRequest(method, node);
  return { page: principal.page, appId: principal.app.id, principal };
}

/**
 * Authenticates and resolves the page in one step, for page-token endpoints, and checks that the token has what the
 * edge needs (permissions granted at Facebook Login, the user's tasks on the page: page-access.ts).
 */
export function authenticatePage(
  ctx: EmulatorContext,
  request: FastifyRequest,
  edge: { params: GraphParams; node: string; needs: PageAccess },
) {
  const principal = authenticate(ctx, request, edge.params);
  if (isGraphError(principal)) return principal;
  const target = pageFor(principal, edge.node, request.method);
  if (isGraphError(target)) return target;
  return missingAccess(ctx.state, target.principal.token, edge.needs) ?? target;
}
