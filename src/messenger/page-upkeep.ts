import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { PageLookup } from '../server/page-directory.ts';
import {
  clearPageHealth,
  profileSyncRecord,
  recordPageHealth,
  recordProfileSync,
  recordUpkeepStatus,
  type UpkeepStatus,
  type UpkeepWork,
} from '../storage/page-repository.ts';
import type { Database } from '../storage/schema.ts';
import type { GraphClient, MessengerProfileField } from './graph/graph-client.ts';
import { type SubscriptionResult, subscribePage } from './page-subscription.ts';
import { profileConfigSchema, toMessengerProfile } from './profile-sync/profile-config.ts';
import { type SyncResult, syncMessengerProfile } from './profile-sync/sync-profile.ts';

/** The first wait before work Graph refused for now is tried again; it doubles at each failure in a row. */
const RETRY_MS = 60_000;
/**
 * The longest wait between two tries, unless Graph asks for longer. Tries go on while the process runs: only what
 * Graph refused for now (busy, calls limited) is tried again, and a profile sync every 30 minutes spends at most 3 of
 * the page's 10 profile calls per 10 minutes (messenger-platform.md §5), so retrying does not keep the limit spent.
 */
const MAX_RETRY_MS = 30 * 60_000;

export interface PageUpkeepOptions {
  db: Kysely<Database>;
  directory: PageLookup;
  graphFor: (appId: string) => GraphClient;
  logger: Logger;
  /** First wait before work Graph refused for now is tried again (default 1 minute, doubling up to 30 minutes). */
  retryMs?: number;
  /** The clock of the page health upkeep records (default `Date.now`). */
  now?: () => number;
  /** Told once upkeep has recorded a page's health (a refused token): the pages are loaded again. */
  healthRecorded?: () => Promise<void>;
}

/** A run's result, as upkeep reads it: Graph's failures come back as values (sync-profile.ts, page-subscription.ts). */
type Outcome = { status: string; retryable?: boolean; retry_after_ms?: number } | undefined;

/** One piece of work on one page: at most one run in flight, and a retry waiting or one more run asked for. */
interface Work<T> {
  running: boolean;
  /** Asked for while a run was in flight: one more run after it, which every such request gets the result of. */
  next?: Deferred<T | undefined>;
  /** The retry of a run Graph refused for now. */
  timer?: NodeJS.Timeout;
  /** Runs Graph refused for now in a row, for the back-off. */
  failures: number;
}

/**
 * The wait before the next try after `failures` refusals in a row: doubling from `baseMs` up to 30 minutes, half of it
 * fixed and half random (the pages of an app refused together do not all come back at once), never shorter than Graph
 * asked (`graphWaitMs`, from its usage header or Retry-After) up to a day.
 */
export function retryWait(failures: number, baseMs: number, graphWaitMs = 0, random = Math.random): number {
  const ceiling = Math.min(baseMs * 2 ** Math.max(failures - 1, 0), MAX_RETRY_MS);
  return Math.max(Math.round(ceiling / 2 + (ceiling / 2) * random()), graphWaitMs);
}

/**
 * What the gateway keeps set on each page through Graph: the app's webhook subscription, and the Messenger profile
 * of the configuration and settings. Done at start-up and after a settings change, one run at a time per page and
 * piece of work; what Graph refused for now (busy, or the page's calls spent) is tried again with a growing wait.
 */
export function createPageUpkeep(options: PageUpkeepOptions) {
  const { db, directory, graphFor, logger } = options;
  const retryMs = options.retryMs ?? RETRY_MS;
  const now = options.now ?? Date.now;
  const queues: { close(): void }[] = [];
  let closed = false;

  /** What the Pages tab shows of a run that called Graph: how it went, and whether it is tried again. */
  const statusOf = (result: SyncResult | SubscriptionResult): UpkeepStatus =>
    result.status === 'failed'
      ? { status: 'failed', kind: result.kind, detail: result.error, retrying: result.retryable, at: now() }
      : { status: 'ok', kind: null, detail: null, retrying: false, at: now() };

  /** Logs a failure that is not Graph's (those come back as results): the database failing. */
  const failed = (what: string, pageId: string) => (err: unknown) => logger.error({ err, pageId }, `could not ${what}`);

  /**
   * Runs `run` for a page one run at a time. A request while a run is in flight makes one more run after it (however
   * many came), so the older run cannot finish after a newer one and undo it; each run reads the page when it begins.
   * A run Graph refused for now is tried again later, unless a request comes first.
   */
  function oneAtATime<T extends Outcome>(what: string, run: (pageId: string) => Promise<T>) {
    const works = new Map<string, Work<T>>();

    async function start(pageId: string, work: Work<T>): Promise<T | undefined> {
      work.running = true;
      let result: T | undefined;
      try {
        result = await run(pageId);
        return result;
      } finally {
        work.running = false;
        after(pageId, work, result);
      }
    }

    function after(pageId: string, work: Work<T>, result: T | undefined) {
      const next = work.next;
      work.next = undefined;
      if (next) {
        if (closed) return next.resolve(undefined);
        work.failures = 0;
        return void start(pageId, work).then(next.resolve, next.reject);
      }
      if (closed || result?.status !== 'failed' || !result.retryable) return void works.delete(pageId);
      work.failures += 1;
      const wait = retryWait(work.failures, retryMs, result.retry_after_ms);
      logger.info({ pageId, retry_in_ms: wait }, `will try again to ${what}`);
      work.timer = setTimeout(() => {
        work.timer = undefined;
        start(pageId, work).catch(failed(what, pageId));
      }, wait).unref();
    }

    queues.push({
      close() {
        for (const work of works.values()) clearTimeout(work.timer);
      },
    });
    return (pageId: string): Promise<T | undefined> => {
      if (closed) return Promise.resolve(undefined);
      const work = works.get(pageId) ?? { running: false, failures: 0 };
      works.set(pageId, work);
      clearTimeout(work.timer);
      work.timer = undefined;
      if (work.running) {
        work.next ??= deferred();
        return work.next.promise;
      }
      work.failures = 0;
      return start(pageId, work);
    };
  }

  /**
   * What a run that called Graph shows: its outcome on the Pages tab, and the page's health when it says something of
   * the token. One that went through shows a token Graph refused before works again (a new one came another way, or
   * the refusal was recorded by a run that started before a reconnect).
   */
  async function recordRun(pageId: string, work: UpkeepWork, result: SyncResult | SubscriptionResult, what: string) {
    await recordUpkeepStatus(db, pageId, work, statusOf(result));
    if (result.status === 'failed' && result.kind === 'token') await tokenRefused(pageId, what, result.error);
    else if (result.status !== 'failed' && directory.page(pageId)?.health === 'token') {
      // The directory may be behind: a health recorded since (Meta's block, by the processing) stays.
      await clearPageHealth(db, pageId, now(), 'token');
      await options.healthRecorded?.();
    }
  }

  /** Graph refused the page's token (190): the page needs a new one, which trying again does not give it. */
  async function tokenRefused(pageId: string, what: string, error: string) {
    logger.error(
      { pageId, error },
      `could not ${what}: Graph refused the page’s access token (invalid or expired); give the page a new one`,
    );
    await recordPageHealth(db, pageId, 'token', error, now());
    // So that the sender, which saw the page as it was loaded, records `ok` again once a send goes through.
    await options.healthRecorded?.();
  }

  /**
   * Syncs a page's Messenger profile: the configured one, with the greeting of its settings. A field the gateway set
   * before and no longer wants (a menu taken out of the configuration, a greeting taken away) is deleted. The same
   * profile made to match less than 10 minutes ago (by this process or another) is not read again: Graph allows 10
   * profile calls per page per 10 minutes, which many processes or a crash loop would spend.
   */
  async function syncProfile(pageId: string): Promise<SyncResult | undefined> {
    const page = directory.page(pageId);
    if (!page) return undefined;
    const { fields: ours, checked } = await profileSyncRecord(db, pageId);
    const greeting = page.settings.greeting ?? page.messenger_profile?.greeting;
    if (!page.messenger_profile && !greeting && ours.length === 0) {
      await recordUpkeepStatus(db, pageId, 'profile_sync_status', null);
      return undefined;
    }
    const wanted =
      page.messenger_profile || greeting
        ? toMessengerProfile(profileConfigSchema.parse({ ...page.messenger_profile, greeting }))
        : {};
    const fingerprint = createHash('sha256').update(JSON.stringify(wanted)).digest('base64url');
    const log = logger.child({ pageId });
    const checkedAt = now();
    if (
      checked?.fingerprint === fingerprint &&
      checkedAt - checked.at < PROFILE_RECHECK_MS &&
      checkedAt >= checked.at
    ) {
      log.info({ checked_at: checked.at }, 'Messenger profile made to match a moment ago: not read again');
      return { status: 'unchanged' };
    }
    const result = await syncMessengerProfile(graphFor(page.app_id), page.access_token, wanted, ours);
    await recordRun(pageId, 'profile_sync_status', result, PROFILE);
    if (result.status !== 'failed')
      await recordProfileSync(db, pageId, {
        fields: Object.keys(wanted) as MessengerProfileField[],
        checked: { fingerprint, at: checkedAt },
      });
    // A refused token is logged as such (recordRun).
    if (result.status !== 'failed') log.info(result, 'Messenger profile synced');
    else if (result.kind !== 'token') log.error({ error: result.error }, 'could not sync the Messenger profile');
    return result;
  }

  /** Subscribes the page's app to the page's webhooks when a field the gateway reads is missing. */
  async function subscribe(pageId: string): Promise<SubscriptionResult | undefined> {
    const page = directory.page(pageId);
    if (!page) return undefined;
    const result = await subscribePage(graphFor(page.app_id), page.access_token, pageId, page.app_id);
    await recordRun(pageId, 'subscription_status', result, SUBSCRIPTION);
    const log = logger.child({ pageId });
    if (result.status === 'subscribed') log.info(result, 'app subscribed to the page’s webhooks');
    if (result.status !== 'failed' || result.kind === 'token') return result;
    if (result.retryable) log.warn({ error: result.error }, `could not ${SUBSCRIPTION} for now`);
    // Reading needs the permission that changing needs: a page subscribed in the app dashboard may be fine.
    else if (result.step === 'read')
      log.warn(
        { error: result.error },
        'could not check the app’s subscription to the page’s webhooks (the page token needs pages_manage_metadata); ' +
          'if the page is not subscribed in the app dashboard (Messenger, Webhooks), Facebook sends none of its messages',
      );
    else
      log.error(
        { error: result.error },
        'could not subscribe the app to the page’s webhooks: give the page token pages_manage_metadata, or subscribe ' +
          'the page in the app dashboard (Messenger, Webhooks); until then Facebook sends none of its messages',
      );
    return result;
  }

  const profile = oneAtATime(PROFILE, syncProfile);
  const subscription = oneAtATime(SUBSCRIPTION, subscribe);
  return {
    /** The page's settings changed: its profile is synced again (after a run in flight, and retried). */
    syncProfile: (pageId: string) => profile(pageId),
    /** Pages just connected (Facebook Login): subscribed and their profile synced; failures are logged and retried. */
    connected(pageIds: string[]) {
      for (const id of pageIds) {
        subscription(id).catch(failed(SUBSCRIPTION, id));
        profile(id).catch(failed(PROFILE, id));
      }
    },
    /** Another call with the page's token (a thread taken back) found it refused: recorded on the page's health. */
    tokenRefused: (pageId: string, what: string, error: string) => tokenRefused(pageId, what, error),
    /** Everything for every page, at start-up: failures are logged (and retried), start-up goes on. */
    async atStart(): Promise<void> {
      await Promise.all(
        directory
          .pages()
          .flatMap(({ id }) => [
            subscription(id).catch(failed(SUBSCRIPTION, id)),
            profile(id).catch(failed(PROFILE, id)),
          ]),
      );
    },
    /** Cancels every retry and every run asked for and not begun; runs in flight end on their own. */
    close() {
      closed = true;
      for (const queue of queues) queue.close();
    },
  };
}

const PROFILE = 'sync the Messenger profile';
/** How long a profile made to match the configuration is taken as still matching: Graph's window for its limit. */
const PROFILE_RECHECK_MS = 10 * 60_000;
const SUBSCRIPTION = 'subscribe the app to the page’s webhooks';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

/** `Promise.withResolvers`, which Node 20 lacks. */
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
