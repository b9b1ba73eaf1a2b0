import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { PageLookup } from '../server/page-directory.ts';
import { profileFieldsSynced, recordProfileFieldsSynced } from '../storage/page-repository.ts';
import type { Database } from '../storage/schema.ts';
import type { GraphClient } from './graph/graph-client.ts';
import { type SubscriptionResult, subscribePage } from './page-subscription.ts';
import { profileConfigSchema, toMessengerProfile } from './profile-sync/profile-config.ts';
import { type SyncResult, syncMessengerProfile } from './profile-sync/sync-profile.ts';

/** Work Graph refused for now is tried again this many times, after 1, 2, 4… minutes by default. */
const RETRY_MS = 60_000;
const RETRIES = 3;

export interface PageUpkeepOptions {
  db: Kysely<Database>;
  directory: PageLookup;
  graphFor: (appId: string) => GraphClient;
  logger: Logger;
  /** First wait before work Graph refused for now is tried again (doubling). */
  retryMs?: number;
}

type Outcome = { status: string; retryable?: boolean } | undefined;

/**
 * What the gateway keeps set on each page through Graph: the app's webhook subscription, and the Messenger profile
 * of the configuration and settings. Done at start-up and after a settings change; what Graph refused for now (busy,
 * or the page's calls spent) is tried again after 1, 2 and 4 minutes, a newer run of the same work replacing the retry.
 */
export function createPageUpkeep(options: PageUpkeepOptions) {
  const { db, directory, graphFor, logger } = options;
  /**
   * The latest run of each piece of work, with its retry's timer: an older run, still in flight when a newer one
   * began, retries nothing, and a newer run cancels the older one's retry.
   */
  const runs = new Map<string, { timer?: NodeJS.Timeout }>();
  let closed = false;

  /** Logs a failure that is not Graph's (those come back as results): the database failing. */
  const failed = (what: string, pageId: string) => (err: unknown) => logger.error({ err, pageId }, `could not ${what}`);

  function retrying<T extends Outcome>(what: string, pageId: string, run: () => Promise<T>) {
    const key = `${what}:${pageId}`;
    clearTimeout(runs.get(key)?.timer);
    const self: { timer?: NodeJS.Timeout } = {};
    runs.set(key, self);
    const attempt = async (n: number): Promise<T> => {
      const result = await run();
      if (closed || runs.get(key) !== self) return result;
      if (result?.status !== 'failed' || !result.retryable || n >= RETRIES) return result;
      const again = () => void attempt(n + 1).catch(failed(what, pageId));
      self.timer = setTimeout(again, (options.retryMs ?? RETRY_MS) * 2 ** n).unref();
      return result;
    };
    return attempt(0);
  }

  /**
   * Syncs a page's Messenger profile: the configured one, with the greeting of its settings. A field the gateway set
   * before and no longer wants (a menu taken out of the configuration, a greeting taken away) is deleted.
   */
  async function syncProfile(pageId: string): Promise<SyncResult | undefined> {
    const page = directory.page(pageId);
    if (!page) return undefined;
    const ours = await profileFieldsSynced(db, pageId);
    const greeting = page.settings.greeting ?? page.messenger_profile?.greeting;
    if (!page.messenger_profile && !greeting && ours.length === 0) return undefined;
    const wanted =
      page.messenger_profile || greeting
        ? toMessengerProfile(profileConfigSchema.parse({ ...page.messenger_profile, greeting }))
        : {};
    const result = await syncMessengerProfile(graphFor(page.app_id), page.access_token, wanted, ours);
    if (result.status !== 'failed') await recordProfileFieldsSynced(db, pageId, Object.keys(wanted));
    const log = logger.child({ pageId });
    if (result.status === 'failed') log.error({ error: result.error }, 'could not sync the Messenger profile');
    else log.info(result, 'Messenger profile synced');
    return result;
  }

  /** Subscribes the page's app to the page's webhooks when a field the gateway reads is missing. */
  async function subscribe(pageId: string): Promise<SubscriptionResult | undefined> {
    const page = directory.page(pageId);
    if (!page) return undefined;
    const result = await subscribePage(graphFor(page.app_id), page.access_token, pageId, page.app_id);
    const log = logger.child({ pageId });
    if (result.status === 'subscribed') log.info(result, 'app subscribed to the page’s webhooks');
    // Reading needs the permission that changing needs: a page subscribed in the app dashboard may be fine.
    else if (result.status === 'failed' && result.step === 'read')
      log.warn(
        { error: result.error },
        'could not check the app’s subscription to the page’s webhooks (the page token needs pages_manage_metadata); ' +
          'if the page is not subscribed in the app dashboard (Messenger, Webhooks), Facebook sends none of its messages',
      );
    else if (result.status === 'failed')
      log.error(
        { error: result.error },
        'could not subscribe the app to the page’s webhooks: give the page token pages_manage_metadata, or subscribe ' +
          'the page in the app dashboard (Messenger, Webhooks); until then Facebook sends none of its messages',
      );
    return result;
  }

  const PROFILE = 'sync the Messenger profile';
  const SUBSCRIPTION = 'subscribe the app to the page’s webhooks';
  return {
    /** The page's settings changed: its profile is synced again (and retried). */
    syncProfile: (pageId: string) => retrying(PROFILE, pageId, () => syncProfile(pageId)),
    /** Everything for every page, at start-up: failures are logged (and retried), start-up goes on. */
    async atStart(): Promise<void> {
      await Promise.all(
        directory
          .pages()
          .flatMap(({ id }) => [
            retrying(SUBSCRIPTION, id, () => subscribe(id)).catch(failed(SUBSCRIPTION, id)),
            retrying(PROFILE, id, () => syncProfile(id)).catch(failed(PROFILE, id)),
          ]),
      );
    },
    close() {
      closed = true;
      for (const { timer } of runs.values()) clearTimeout(timer);
    },
  };
}
