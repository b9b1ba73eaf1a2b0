import type pg from 'pg';
import type { Logger } from 'pino';
import { chunk } from '../collections/chunk.ts';
import { openListeningSession } from '../storage/listening-session.ts';
import {
  type ChangeListener,
  type ChangeNotice,
  type ConversationChanges,
  createChangeBatcher,
} from './conversation-changes.ts';

export const CHANGES_CHANNEL = 'switchboard_changes';
/** Ids per notification: a payload must stay under PostgreSQL's 8,000 bytes. */
const IDS_PER_NOTICE = 100;
/** How often the listening connection is checked: one that died silently would leave the streams deaf. */
const CHECK_MS = 15_000;
const RETRY_MS = { first: 1_000, max: 30_000 };
/**
 * Ids kept while NOTIFY fails (the database out of reach), to send once it works again. Past this many, the rest are
 * left to the inboxes' polls.
 */
const MAX_UNSENT = 10_000;

export interface SharedChangesOptions {
  databaseUrl: string;
  /** Sends these notices on CHANGES_CHANNEL through the shared pool, in one statement. */
  notify: (payloads: string[]) => Promise<void>;
  logger: Logger;
  checkMs?: number;
}

/**
 * The changes of every process on one PostgreSQL database (design.md §8): each process publishes through NOTIFY and
 * hears every process's, its own included, on one LISTEN connection opened for its first subscriber. After that
 * connection is lost and made again, subscribers are told to `resync`: what was published meanwhile is gone.
 */
export function createSharedChanges(options: SharedChangesOptions): ConversationChanges {
  const { logger } = options;
  const listeners = new Set<ChangeListener>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retryMs = RETRY_MS.first;
  let retry: NodeJS.Timeout | undefined;
  let check: NodeJS.Timeout | undefined;
  let closed = false;
  const notifying = new Set<Promise<void>>();

  const tell = (notice: ChangeNotice) => {
    for (const listener of listeners) listener(notice);
  };

  // Published whether or not anyone here listens: an agent may watch through another process.
  const batcher = createChangeBatcher(send, () => !closed);
  /** Ids a failed NOTIFY did not tell, sent again after a back-off; meanwhile new ids join them instead of failing. */
  const unsent = new Set<string>();
  let resend: NodeJS.Timeout | undefined;
  let resendMs = RETRY_MS.first;
  let overflowed = false;

  function send(ids: string[]) {
    if (resend) return keep(ids);
    const sent = options
      .notify(changeNotices(ids))
      .then(
        () => {
          resendMs = RETRY_MS.first;
          overflowed = false;
        },
        (err) => {
          if (closed) {
            logger.warn({ err }, 'could not tell the inboxes of the last changes; they read them at their next poll');
            return;
          }
          keep(ids);
          if (resend) return;
          logger.warn({ err, retryMs: resendMs }, 'could not tell the inboxes of a change; trying again');
          resend = setTimeout(() => {
            resend = undefined;
            for (const id of takeUnsent()) batcher.add(id);
          }, resendMs);
          resend.unref();
          resendMs = Math.min(resendMs * 2, RETRY_MS.max);
        },
      )
      .finally(() => notifying.delete(sent));
    notifying.add(sent);
  }

  function keep(ids: string[]) {
    let dropped = 0;
    for (const id of ids) {
      if (unsent.size < MAX_UNSENT || unsent.has(id)) unsent.add(id);
      else dropped++;
    }
    // Said once until NOTIFY works again: the flushes of an outage would say it every 50 ms.
    if (dropped > 0 && !overflowed) {
      overflowed = true;
      logger.warn({ dropped }, 'too many inbox changes not told; the inboxes read them at their next poll');
    }
  }

  function takeUnsent(): string[] {
    const ids = [...unsent];
    unsent.clear();
    return ids;
  }

  async function connect(): Promise<void> {
    const next = await openListeningSession({
      databaseUrl: options.databaseUrl,
      channel: CHANGES_CHANNEL,
      heard(payload) {
        const ids = parseIds(payload);
        if (ids) tell({ type: 'changed', conversations: ids });
        else logger.warn('ignored a change notice that is not a list of ids');
      },
      lost: dropped,
    });
    if (closed) return void (await next.end().catch(() => {}));
    client = next;
    retryMs = RETRY_MS.first;
    clearInterval(check);
    check = setInterval(() => {
      next.query('select 1').catch((err: Error) => dropped(next, err));
    }, options.checkMs ?? CHECK_MS);
    check.unref();
  }

  /** Listening, or a rejection: a subscriber waits for the first connection, not for ever. */
  function listening(): Promise<void> {
    if (client) return Promise.resolve();
    connecting ??= connect().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  function dropped(from: pg.Client, err: Error) {
    if (from !== client) return;
    client = undefined;
    clearInterval(check);
    void from.end().catch(() => {});
    if (closed) return;
    logger.warn({ err }, 'lost the connection that hears inbox changes; connecting again');
    reconnect();
  }

  function reconnect() {
    if (closed || retry || listeners.size === 0) return;
    retry = setTimeout(() => {
      retry = undefined;
      listening().then(
        () => tell({ type: 'resync' }),
        (err) => {
          logger.warn({ err, retryMs }, 'could not listen for inbox changes; trying again');
          retryMs = Math.min(retryMs * 2, RETRY_MS.max);
          reconnect();
        },
      );
    }, retryMs);
    retry.unref();
  }

  return {
    publish: batcher.add,
    async subscribe(listener) {
      await listening();
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    /** Sends what gathered, and waits for the notices under way: other processes' inboxes hear the last changes. */
    async close() {
      clearTimeout(resend);
      resend = undefined;
      for (const id of takeUnsent()) batcher.add(id);
      batcher.flushNow();
      closed = true;
      await Promise.all(notifying);
      clearTimeout(retry);
      clearInterval(check);
      listeners.clear();
      await connecting?.catch(() => {});
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}

/** The payloads that tell every process's inboxes these conversations changed (NOTIFY on CHANGES_CHANNEL). */
export function changeNotices(conversationIds: string[]): string[] {
  return chunk(conversationIds, IDS_PER_NOTICE).map((ids) => JSON.stringify(ids));
}

/** A notice's ids, or undefined when it is anything else (another program notifying on the channel). */
function parseIds(payload: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(payload);
    return Array.isArray(parsed) && parsed.every((id) => typeof id === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}
