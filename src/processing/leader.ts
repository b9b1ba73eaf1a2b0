import pg from 'pg';
import type { Logger } from 'pino';
import type { StoredInboundEvent } from '../storage/inbound-event-repository.ts';
import type { Processing } from './processing.ts';

/** The lock the processing process holds (`pg_try_advisory_lock(LOCK_CLASS, LOCK_ID)`), and the channel it listens on. */
const LOCK_CLASS = 0x5357; // "SW"
const LOCK_ID = 1;
export const WORK_CHANNEL = 'switchboard_work';
/** Event ids per notification: a payload must stay under PostgreSQL's 8,000 bytes. */
const IDS_PER_NOTICE = 200;

/** What a process that does not process tells the one that does. */
export type WorkNotice = { events: string[] } | { wake: string } | { changed: string } | { resume: true };

export interface LeaderOptions {
  databaseUrl: string;
  logger: Logger;
  /** Makes the processing this process runs while it holds the lock. */
  start: () => Promise<Processing>;
  /** The stored events of these ids still pending, oldest first. */
  loadEvents: (ids: string[]) => Promise<StoredInboundEvent[]>;
  /** Sends a notice on WORK_CHANNEL through the shared pool. */
  notify: (payload: string) => Promise<void>;
  /** How often a process that does not process tries to take the lock. */
  pollMs?: number;
}

/**
 * Several gateway processes on one PostgreSQL database (design.md §8): all of them take webhooks and serve the API,
 * and one at a time, the one holding an advisory lock, processes conversations and sends. The others hand it what they
 * store or change through LISTEN/NOTIFY. The lock is a session's: when its process stops or its connection is lost,
 * another process takes it within `pollMs` and resumes the stored work, as a restart would (a send in doubt waits for
 * its echo, docs/adr/0003). One processing process keeps each person's messages in order and every reply single.
 */
export async function createLeaderProcessing(
  options: LeaderOptions,
): Promise<Processing & { readonly leads: boolean }> {
  const { logger } = options;
  const pollMs = options.pollMs ?? 2_000;
  let client: pg.Client | undefined;
  let leading: Processing | undefined;
  let stopped = false;
  let attempt: Promise<void> = Promise.resolve();

  async function connect(): Promise<pg.Client> {
    const next = new pg.Client({ connectionString: options.databaseUrl, keepAlive: true });
    next.on('error', (err) => void lost(next, err));
    next.on('end', () => void lost(next, new Error('the connection ended')));
    next.on('notification', (message) => {
      if (message.channel === WORK_CHANNEL && message.payload) void heard(message.payload);
    });
    await next.connect();
    await next.query(`LISTEN ${WORK_CHANNEL}`);
    return next;
  }

  /** Takes the lock if it is free, and then the processing: resumes what is stored, as at a start. */
  async function tryToLead() {
    if (stopped || leading) return;
    try {
      client ??= await connect();
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [
        LOCK_CLASS,
        LOCK_ID,
      ]);
      if (!rows[0]?.locked || stopped) return;
      leading = await options.start();
      const resumed = await leading.resume();
      logger.info(resumed, 'this process now handles conversations and sends (it holds the processing lock)');
    } catch (err) {
      logger.warn({ err }, 'could not take part in choosing the process that handles conversations; trying again');
      const failed = client;
      client = undefined;
      await failed?.end().catch(() => {});
    }
  }

  /** The lock went with the connection: another process may lead now, so this one stops processing at once. */
  async function lost(from: pg.Client, err: Error) {
    if (from !== client) return;
    client = undefined;
    const was = leading;
    leading = undefined;
    if (!was || stopped) return;
    logger.error({ err }, 'lost the processing lock with its connection: stopped handling conversations');
    await was.stop();
  }

  async function heard(payload: string) {
    const target = leading;
    if (!target) return;
    try {
      const notice = JSON.parse(payload) as WorkNotice;
      if ('events' in notice) target.enqueue(await options.loadEvents(notice.events));
      else if ('wake' in notice) target.wake(notice.wake);
      else if ('changed' in notice) target.conversationChanged(notice.changed);
      else if ('resume' in notice) await target.resume();
    } catch (err) {
      // The minute's sweep picks up stored events nothing holds.
      logger.error({ err }, 'could not take work another process handed over');
    }
  }

  const tell = (notice: WorkNotice) =>
    void options
      .notify(JSON.stringify(notice))
      .catch((err) =>
        logger.warn({ err }, 'could not hand work to the process that handles conversations; its sweep will find it'),
      );

  const run = () => {
    attempt = attempt.then(tryToLead);
    return attempt;
  };
  await run();
  const timer = setInterval(run, pollMs).unref();

  return {
    get leads() {
      return leading !== undefined;
    },
    enqueue(events) {
      if (leading) return leading.enqueue(events);
      for (let i = 0; i < events.length; i += IDS_PER_NOTICE)
        tell({ events: events.slice(i, i + IDS_PER_NOTICE).map((e) => e.id) });
    },
    wake: (id) => (leading ? leading.wake(id) : tell({ wake: id })),
    conversationChanged: (id) => (leading ? leading.conversationChanged(id) : tell({ changed: id })),
    async resume() {
      if (leading) return leading.resume();
      tell({ resume: true });
      return { events: 0, conversations: 0 };
    },
    pagesChanged: () => leading?.pagesChanged(),
    idle: async () => leading?.idle(),
    get depth() {
      return leading?.depth ?? 0;
    },
    get activeConversations() {
      return leading?.activeConversations ?? 0;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await attempt;
      const was = leading;
      leading = undefined;
      await was?.stop();
      // Ending the session releases the lock: the next process takes it at its next try.
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}
