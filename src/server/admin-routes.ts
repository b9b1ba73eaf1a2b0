import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { pageSettingsSchema } from '../config/page-settings.ts';
import { classifyGraphError } from '../messenger/graph/graph-error.ts';
import { listDeadOutbox, sendFailuresSince } from '../storage/outbox-repository.ts';
import { replayDead } from '../storage/replay.ts';
import type { Database } from '../storage/schema.ts';
import { requireAdmin } from './auth.ts';
import { ApiError } from './errors.ts';
import type { PageDirectory } from './page-directory.ts';
import { parseRequest } from './request-parsing.ts';

export interface AdminRoutesDeps {
  db: Kysely<Database>;
  directory: PageDirectory;
  /** Picks up work put back in the queue (dead letters replayed). */
  resume: () => Promise<void>;
  /** These conversations' messages changed here (the live stream). */
  changed: (conversationId: string) => void;
  /** Pushes a page's Messenger profile after its greeting changed; undefined when the page has none to sync. */
  syncProfile: (pageId: string) => Promise<{ status: string } | undefined>;
  now: () => number;
}

const settingsPatch = pageSettingsSchema.partial().strict();
const pageParams = z.object({ id: z.string().min(1) });
const DAY_MS = 24 * 60 * 60_000;
/** How long Meta's warning about a page's messaging is shown, when no block or unblock followed it. */
const WARNING_SHOWN_MS = 30 * DAY_MS;

/**
 * The page's health beside its state: the sends queued since `since` that failed for good, counted by why. `window`
 * (blocked by the 24-hour rule, or refused by Graph for it) and `recipient` (the person cannot be messaged) concern one person each; `token` and
 * `permission` mostly the whole page (`permission` also counts a thread another app owns); `retries_exhausted` are the
 * dead letters; `other` failed without a Graph code (a page no longer connected).
 */
async function sendFailuresByPage(db: Kysely<Database>, since: number) {
  const byPage = new Map<string, Record<string, number>>();
  for (const row of await sendFailuresSince(db, since)) {
    const why =
      row.status === 'dead'
        ? 'retries_exhausted'
        : row.status === 'blocked' && row.error_code === null
          ? 'window'
          : row.error_code === null
            ? 'other'
            : classifyGraphError({ code: row.error_code, error_subcode: row.error_subcode ?? undefined, message: '' });
    const counts = byPage.get(row.page_id) ?? {};
    counts[why] = (counts[why] ?? 0) + Number(row.count);
    byPage.set(row.page_id, counts);
  }
  return byPage;
}

/**
 * Pages, their settings and health, and dead letters (`/api/...`, authenticated by the caller's hook). Everyone reads;
 * only admins change settings and replay dead letters.
 */
export const adminRoutes: FastifyPluginAsync<AdminRoutesDeps> = async (app, deps) => {
  // The apps pages can be connected through (Facebook Login), no secret: the inbox asks which one when there are several.
  app.get('/api/apps', async () => ({ data: deps.directory.apps().map((stored) => ({ id: stored.id })) }));

  app.get('/api/pages', async () => {
    const rows = await deps.db
      .selectFrom('pages')
      .select(['id', 'app_id', 'name', 'source', 'health', 'health_detail', 'health_at'])
      .select(['subscription_status', 'profile_sync_status', 'policy_warning', 'policy_warning_at'])
      .orderBy('id')
      .execute();
    const failures = await sendFailuresByPage(deps.db, deps.now() - DAY_MS);
    return {
      data: rows.map(({ policy_warning, policy_warning_at, ...row }) => ({
        ...row,
        subscription_status: row.subscription_status && JSON.parse(row.subscription_status),
        profile_sync_status: row.profile_sync_status && JSON.parse(row.profile_sync_status),
        // Shown for a month: a warning Meta never followed with a block is old news then.
        policy_warning:
          policy_warning !== null && policy_warning_at !== null && policy_warning_at > deps.now() - WARNING_SHOWN_MS
            ? { reason: policy_warning, at: policy_warning_at }
            : null,
        send_failures_24h: failures.get(row.id) ?? {},
        settings: deps.directory.page(row.id)?.settings,
      })),
    };
  });

  // A key set to null goes back to the configuration's value, or the default.
  app.patch<{ Body: unknown }>('/api/pages/:id/settings', async (request) => {
    requireAdmin(request);
    const { id } = parseRequest(pageParams, request.params);
    const isObject = typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body);
    const body = (isObject ? request.body : {}) as Record<string, unknown>;
    const resets = Object.keys(body).filter((key) => body[key] === null);
    // A reset is checked like a value (a misspelt key set to null is refused), and anything but an object is refused.
    const asked = isObject
      ? Object.fromEntries(Object.entries(body).map(([key, value]) => [key, value ?? undefined]))
      : request.body;
    const parsed = parseRequest(settingsPatch, asked);
    // zod fills defaults even in a partial schema: keep only the keys the request named.
    const named = Object.fromEntries(Object.entries(parsed).filter(([key]) => key in body));
    // Kept apart from the configuration's settings, which every start writes again; null goes back to those.
    const found = await deps.db.transaction().execute(async (tx) => {
      // Read by a write: it locks the row on PostgreSQL, so two changes at once are applied one after the other.
      const row = await tx
        .updateTable('pages')
        .set({ updated_at: deps.now() })
        .where('id', '=', id)
        .returning('settings_changes')
        .executeTakeFirst();
      if (!row) return false;
      const changes = { ...JSON.parse(row.settings_changes ?? '{}'), ...named };
      for (const key of resets) delete changes[key];
      await tx
        .updateTable('pages')
        .set({ settings_changes: JSON.stringify(changes) })
        .where('id', '=', id)
        .execute();
      return true;
    });
    if (!found) throw new ApiError('SB_NOT_FOUND', `no page ${id}`);
    await deps.directory.reload();
    const synced = 'greeting' in body ? await deps.syncProfile(id) : undefined;
    return {
      data: deps.directory.page(id)?.settings,
      ...(synced ? { profile_sync: synced.status } : {}),
    };
  });

  app.get('/api/dead-letters', async () => {
    const events = await deps.db
      .selectFrom('inbound_events')
      .select(['id', 'page_id', 'user_id', 'kind', 'attempts', 'error', 'received_at'])
      .where('status', '=', 'dead')
      .orderBy('id', 'desc')
      .limit(100)
      .execute();
    const outbox = (await listDeadOutbox(deps.db)).map(({ request: _request, ...row }) => row);
    return { data: { outbox, events } };
  });

  app.post('/api/dead-letters/replay', async (request) => {
    requireAdmin(request);
    const { conversations, ...counts } = await replayDead(deps.db, { outbox: true, events: true }, deps.now());
    // Failed a moment ago, sending again now: the inboxes show it before the sends settle.
    for (const id of conversations) deps.changed(id);
    await deps.resume();
    return { data: counts };
  });
};
