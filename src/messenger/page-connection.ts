import type { GraphClient, GraphFailure } from './graph/graph-client.ts';

/**
 * The permissions without which a connected page could not be listed, answered, or subscribed to its webhooks, so
 * that Facebook would send none of its messages (messenger-platform.md §8.1, §8.6).
 */
const REQUIRED_SCOPES = ['pages_show_list', 'pages_messaging', 'pages_manage_metadata'];

/** A page the person who signed in manages, with a token of no expiry (from their long-lived user token). */
export interface LoginPage {
  id: string;
  name?: string;
  access_token: string;
}

export interface SkippedPage {
  id: string;
  name?: string;
  /** `messaging`: the person's tasks on the page do not include answering messages; `token`: Graph gave none. */
  why: 'messaging' | 'token';
}

export type LoginPages =
  | { ok: true; userId: string; pages: LoginPage[]; skipped: SkippedPage[] }
  /** `message` is for the person who signed in: it names what failed and never holds a token. */
  | { ok: false; message: string };

/**
 * The Graph half of Facebook Login (messenger-platform.md §8.2–8.4): the code from the dialog becomes a user token,
 * exchanged for a long-lived one so that the page tokens it lists never expire; the token is checked (it is this
 * app's, valid, with the permissions messaging needs) and the pages the person can answer for are listed.
 */
export async function pagesFromLogin(
  graph: GraphClient,
  app: { appId: string; appSecret: string },
  login: { code: string; redirectUri: string },
): Promise<LoginPages> {
  const short = await graph.exchangeCode({ ...app, ...login });
  if (!short.ok) return failed('Facebook did not accept the sign-in code', short);
  const long = await graph.exchangeForLongLivedToken({ ...app, token: short.access_token });
  if (!long.ok) return failed('Facebook did not give a long-lived token', long);
  const debug = await graph.debugToken({ ...app, token: long.access_token });
  if (!debug.ok) return failed('Facebook could not check the token', debug);
  const info = debug.data;
  if (!info.is_valid || info.app_id !== app.appId || !info.user_id)
    return { ok: false, message: 'Facebook gave a token that is not valid for this app' };
  const missing = REQUIRED_SCOPES.filter((scope) => !info.scopes.includes(scope));
  if (missing.length > 0)
    return {
      ok: false,
      message: `the permissions ${missing.join(' and ')} were not granted; connect again and allow them`,
    };
  const listed = await graph.listPages(long.access_token);
  if (!listed.ok) return failed('Facebook could not list your pages', listed);
  const pages: LoginPage[] = [];
  const skipped: SkippedPage[] = [];
  for (const page of listed.pages) {
    const named = page.name === undefined ? { id: page.id } : { id: page.id, name: page.name };
    if (!page.tasks.includes('MESSAGING')) skipped.push({ ...named, why: 'messaging' });
    else if (!page.access_token) skipped.push({ ...named, why: 'token' });
    else pages.push({ ...named, access_token: page.access_token });
  }
  return { ok: true, userId: info.user_id, pages, skipped };
}

const failed = (what: string, failure: GraphFailure): LoginPages => ({
  ok: false,
  message: `${what} (Graph error ${failure.error.code ?? failure.error.http_status ?? 'unknown'}: ${failure.error.message})`,
});
