import type { EmulatorContext } from './context.ts';
import { accessToken } from './ids.ts';
import { LONG_USER_TOKEN_TTL_S, SHORT_PAGE_TOKEN_TTL_S, SHORT_USER_TOKEN_TTL_S } from './platform-constants.ts';
import type { PageRecord, TokenRecord } from './state-types.ts';

export interface Grant {
  app_id: string;
  account_id: string;
  scopes: string[];
  page_ids: string[];
}

function save(ctx: EmulatorContext, record: Omit<TokenRecord, 'token' | 'issued_at' | 'revoked'>): TokenRecord {
  const token: TokenRecord = { token: accessToken(), issued_at: ctx.clock.now(), revoked: false, ...record };
  ctx.state.tokens.set(token.token, token);
  return token;
}

/** A user token for a grant: short-lived (≈1.5 h) from a code, long-lived (≈60 days) from fb_exchange_token (§8.2–8.3). */
export function issueUserToken(ctx: EmulatorContext, grant: Grant, longLived: boolean): TokenRecord {
  const ttl = (longLived ? LONG_USER_TOKEN_TTL_S : SHORT_USER_TOKEN_TTL_S) * 1000;
  return save(ctx, {
    kind: 'user',
    app_id: grant.app_id,
    account_id: grant.account_id,
    scopes: grant.scopes,
    granted_page_ids: grant.page_ids,
    expires_at: ctx.clock.now() + ttl,
    long_lived: longLived,
  });
}

/**
 * The page token a user token yields (`/me/accounts`, `/{page}?fields=access_token`): no expiry
 * when the user token is long-lived, about an hour otherwise (§8.4). Asking again gives the same token,
 * unless the user granted other permissions since (a new Login).
 */
export function pageTokenFor(ctx: EmulatorContext, user: TokenRecord, page: PageRecord): TokenRecord {
  for (const token of ctx.state.tokens.values()) {
    if (
      token.kind === 'page' &&
      !token.revoked &&
      token.page_id === page.id &&
      token.app_id === user.app_id &&
      token.account_id === user.account_id &&
      token.long_lived === user.long_lived &&
      sameScopes(token.scopes, user.scopes) &&
      (token.expires_at === 0 || token.expires_at > ctx.clock.now())
    ) {
      return token;
    }
  }
  const expiresAt = user.long_lived ? 0 : Math.min(user.expires_at, ctx.clock.now() + SHORT_PAGE_TOKEN_TTL_S * 1000);
  return save(ctx, {
    kind: 'page',
    app_id: user.app_id,
    page_id: page.id,
    ...(user.account_id ? { account_id: user.account_id } : {}),
    scopes: user.scopes,
    granted_page_ids: [page.id],
    expires_at: expiresAt,
    long_lived: user.long_lived,
  });
}

function sameScopes(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope));
}

/** The user removed the app: every token of that grant stops working (190/467). */
export function revokeGrant(ctx: EmulatorContext, appId: string, accountId: string): number {
  let count = 0;
  for (const token of ctx.state.tokens.values()) {
    if (token.app_id === appId && token.account_id === accountId && !token.revoked) {
      token.revoked = true;
      count++;
    }
  }
  return count;
}

/** Injected fault `expire_token`: every token of the page expires now (190/463 afterwards). */
export function expirePageTokens(ctx: EmulatorContext, pageId: string): number {
  let count = 0;
  const now = ctx.clock.now();
  for (const token of ctx.state.tokens.values()) {
    if (token.kind === 'page' && token.page_id === pageId) {
      token.expires_at = now - 1;
      count++;
    }
  }
  return count;
}
