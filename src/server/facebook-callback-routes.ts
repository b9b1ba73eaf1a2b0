import { createHash } from 'node:crypto';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { readSignedRequest } from '../messenger/signed-request.ts';
import { findDataDeletion, recordDataDeletion, removeConnectedPages } from '../storage/page-connections.ts';
import type { Database } from '../storage/schema.ts';
import { ApiError } from './errors.ts';
import type { PageDirectory } from './page-directory.ts';

export interface FacebookCallbackDeps {
  db: Kysely<Database>;
  directory: PageDirectory;
  /** Where the data deletion status page is reached (`PUBLIC_URL`). */
  publicUrl: string;
  logger: Logger;
  now: () => number;
}

/**
 * `issued_at` is Facebook's clock, in whole seconds: a login made just before the request, on a clock ahead of
 * Facebook's, still counts as before it. Its token is dead anyway once the app is removed.
 */
const CLOCK_SKEW_MS = 60_000;
const STATUS_PATH = '/callbacks/facebook/data-deletion/status';
const signedBody = z.object({ signed_request: z.string().min(1).max(8_192) });
/** Codes are ours (`del_` and base64url): anything else is not one, and a NUL would make PostgreSQL fail the query. */
const statusQuery = z.object({ code: z.string().regex(/^[\w-]{1,64}$/) });

/**
 * The app's compliance callbacks (messenger-platform.md §8.7–8.8), signed by Facebook with the app secret. Both are
 * about a Facebook user who logged in to connect pages: a deauthorize (they removed the app) or a data deletion request
 * removes the pages their login gave tokens to, so nothing is sent in their name any more. The gateway keeps no other
 * data about them; the people who write to the pages are another matter (their PSIDs are not this user id).
 */
export const facebookCallbackRoutes: FastifyPluginAsync<FacebookCallbackDeps> = async (app, deps) => {
  const { db, directory, logger } = deps;
  await app.register(fastifyFormbody, { bodyLimit: 16_384 });

  /**
   * Verifies the request and removes the pages the user's login connected before it was issued; `record` (a data
   * deletion's) is written in the same transaction, so a request sent again after a failure reports what the first
   * removed. The pages in memory are read again every time: a first try may have failed after the removal.
   */
  async function removePagesOf(
    body: unknown,
    what: string,
    record?: (tx: Kysely<Database>, request: { removed: number; canonical: string }) => Promise<void>,
  ) {
    const parsed = signedBody.safeParse(body);
    const signed = parsed.success ? readSignedRequest(parsed.data.signed_request, directory.apps()) : undefined;
    // Facebook always says when it issued the request: without it, a request replayed later could not be told apart.
    if (!parsed.success || signed?.payload.issued_at === undefined) throw new ApiError('SB_CALLBACK_SIGNATURE_INVALID');
    const { appId, payload, canonical } = signed;
    const removed = await db.transaction().execute(async (tx) => {
      const pages = await removeConnectedPages(tx, {
        appId,
        userId: payload.user_id,
        ...(payload.profile_id === undefined ? {} : { profileId: payload.profile_id }),
        before: (payload.issued_at as number) * 1000 + CLOCK_SKEW_MS,
      });
      await record?.(tx, { removed: pages.length, canonical });
      return pages;
    });
    await directory.reload();
    const log = removed.length > 0 ? logger.warn.bind(logger) : logger.info.bind(logger);
    log({ appId, pages: removed }, `${what}: removed the pages the user's Facebook Login connected`);
    return removed;
  }

  app.post('/callbacks/facebook/deauthorize', async (request) => {
    const removed = await removePagesOf(request.body, 'a Facebook user removed the app');
    return { pages_removed: removed.length };
  });

  app.post('/callbacks/facebook/data-deletion', async (request) => {
    let code = '';
    await removePagesOf(
      request.body,
      'a Facebook user asked for their data to be deleted',
      (tx, { removed, canonical }) => {
        // The same request sent again, however spelt, gets the same code and adds no row.
        code = `del_${createHash('sha256').update(canonical).digest('base64url').slice(0, 22)}`;
        return recordDataDeletion(tx, { code, pagesRemoved: removed }, deps.now());
      },
    );
    return { url: `${deps.publicUrl}${STATUS_PATH}?${new URLSearchParams({ code })}`, confirmation_code: code };
  });

  // Facebook shows this address to the person who asked: a page, not JSON.
  app.get(STATUS_PATH, async (request, reply) => {
    const query = statusQuery.safeParse(request.query);
    const found = query.success ? await findDataDeletion(db, query.data.code) : undefined;
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    if (!query.success || !found)
      return reply.code(404).send(statusPage('No such request', 'This confirmation code is not one of ours.'));
    const when = new Date(found.requested_at).toISOString().slice(0, 10);
    return statusPage(
      'Your data has been deleted',
      `Request ${query.data.code}, received on ${when}, is complete. Switchboard removed the page access tokens your ` +
        `Facebook login gave it (${found.pages_removed} page${found.pages_removed === 1 ? '' : 's'}) and keeps no ` +
        'other data about your Facebook account.',
    );
  });
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function statusPage(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p></body></html>`;
}
