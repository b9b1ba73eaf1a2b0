import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config/load-config.ts';
import { createPageUpkeep } from './messenger/page-upkeep.ts';
import { createThreadTaking } from './messenger/thread-taking.ts';
import { webhookRoutes } from './messenger/webhook/webhook-routes.ts';
import { createGraphClients } from './processing/graph-clients.ts';
import { createLeaderProcessing, WORK_CHANNEL } from './processing/leader.ts';
import {
  createProcessing,
  type Processing,
  type ProcessingObserver,
  type ProcessingTuning,
} from './processing/processing.ts';
import { startProcessingThread } from './processing/thread-client.ts';
import { createGroupCommit } from './queue/group-commit.ts';
import { systemTimers, type Timers } from './queue/row-waits.ts';
import { adminRoutes } from './server/admin-routes.ts';
import { createBasicAuth } from './server/auth.ts';
import { createHttpApp } from './server/build-app.ts';
import { createLocalChanges } from './server/conversation-changes.ts';
import { conversationRoutes } from './server/conversation-routes.ts';
import { facebookCallbackRoutes } from './server/facebook-callback-routes.ts';
import { healthRoutes } from './server/health-routes.ts';
import { inboxRoutes } from './server/inbox-routes.ts';
import { createMetrics, QUEUE_DEPTH_LIMIT } from './server/metrics.ts';
import { oauthRoutes } from './server/oauth-routes.ts';
import { createPageDirectory, type PageDirectory } from './server/page-directory.ts';
import { CHANGES_CHANNEL, createSharedChanges } from './server/shared-changes.ts';
import { streamRoutes } from './server/stream-routes.ts';
import { userRoutes } from './server/user-routes.ts';
import { createBatchedWrites } from './storage/batched-writes.ts';
import { createConversationStore } from './storage/conversation-store.ts';
import { openDatabase } from './storage/database.ts';
import {
  countPendingEvents,
  insertInboundEvents,
  loadPendingBefore,
  loadPendingByIds,
  loadPendingByKey,
  quarantine,
} from './storage/inbound-event-repository.ts';
import { notifier } from './storage/listening-session.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { pagesVersion, syncConfiguredPages } from './storage/page-repository.ts';
import { countDeadLetters } from './storage/replay.ts';
import { purgeExpired } from './storage/retention.ts';
import type { Database } from './storage/schema.ts';
import type { SecretBox } from './storage/secret-box.ts';
import { ensureAdmin } from './storage/user-repository.ts';
import { createWriteLock } from './storage/write-lock.ts';

export interface SwitchboardOptions {
  config: Config;
  secretBox: SecretBox;
  logger: Logger;
  timers?: Timers;
  random?: () => number;
  env?: Record<string, string | undefined>;
  /** Retry and concurrency knobs; tests shorten the delays. */
  tuning?: ProcessingTuning & {
    /** First wait before page upkeep Graph refused for now (webhook subscription, profile sync) is tried again. */
    pageRetryMs?: number;
    /** How often a process sharing its database with others looks for their changes to the pages. */
    pagePollMs?: number;
    /** How often a process sharing its database tries to take the processing lock (processing/leader.ts). */
    leaderPollMs?: number;
    /** How long the processing lock's session may be silent before the server ends it (processing/leader.ts). */
    leaderSilenceMs?: number;
  };
  /**
   * Runs processing (conversations, assistants, sends) on a worker thread of its own, so that the webhook's 200
   * never waits behind it (docs/adr/0004-webhook-thread.md). SQLite in a file only: PostgreSQL scales by processes.
   * The thread keeps the system clock, so tests that inject `timers` or `random` run in one thread.
   */
  processingThread?: boolean;
  /** The processing thread's module; tests give one that fails. */
  processingThreadEntry?: URL;
  /**
   * Told when a part of the gateway fails for good (the processing thread died, the disk refused a flush);
   * `switchboard start` exits.
   */
  onFatal?: (error: Error) => void;
}

/** How often a process sharing PostgreSQL with others looks for their changes to the pages. */
const PAGE_POLL_MS = 5_000;

export interface Switchboard {
  app: FastifyInstance;
  db: Kysely<Database>;
  /** Processing runs on a worker thread of its own (`SwitchboardOptions.processingThread`, on SQLite). */
  processingThread: boolean;
  /** Settles once every configured Messenger profile is synced (or failed, logged); start-up does not wait for it. */
  profilesSynced: Promise<void>;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Resolves once every stored event is handled and every queued message settled (tests, demo scripts). */
  idle(): Promise<void>;
  /** Graceful stop: no new requests, in-flight work finished, connections closed. */
  close(): Promise<void>;
}

/** The composition root: the only place that knows every implementation. */
export async function createSwitchboard(options: SwitchboardOptions): Promise<Switchboard> {
  const { config, secretBox, logger } = options;
  const timers = options.timers ?? systemTimers;
  const now = () => timers.now();
  const lostConnection = (error: Error) =>
    logger.warn({ reason: error.message }, 'lost an idle PostgreSQL connection; the pool opens another on next use');
  const threaded =
    options.processingThread && config.databaseUrl.startsWith('sqlite:') && config.databaseUrl !== 'sqlite::memory:';
  // The lock is what lets a second thread write: it exists exactly when processing runs on one.
  const writeLock = threaded ? createWriteLock() : undefined;
  const setting = config.sources?.databaseUrl;
  const database = openDatabase(config.databaseUrl, { onConnectionLost: lostConnection, writeLock, setting });
  const { db, capabilities, persist } = database;
  await migrateToLatest(db, setting);
  await syncConfiguredPages(db, secretBox, config, timers.now());
  const directory = createPageDirectory(db, secretBox, { logger, connectedPages: config.connectedPages });
  // Read before the pages are: a change another process makes meanwhile shows as a new version at the first look.
  const pagesLoaded = capabilities.sharedAcrossProcesses ? await pagesVersion(db) : undefined;
  /** PostgreSQL: looks for the pages other processes changed; set once the pages can be reloaded (below). */
  let pageWatch: { catchUp(): Promise<void>; stop(): Promise<void> } | undefined;
  const catchUpPages = pagesLoaded === undefined ? undefined : async () => pageWatch?.catchUp();
  await directory.reload();
  if (config.admin) {
    const admin = await ensureAdmin(db, config.admin, timers.now());
    if (admin === 'created') logger.info({ email: config.admin.email }, 'created the first admin');
    if (admin === 'password changed')
      logger.warn({ email: config.admin.email }, 'admin password changed from the configuration');
  }

  const graph = createGraphClients(config.graph, directory, logger);
  const metrics = createMetrics({
    // From the database: processing holds at most 10,000 of a backlog, and a backlog is when the figure matters.
    queueDepth: () => countPendingEvents(db, QUEUE_DEPTH_LIMIT),
    sendingConversations: () => processing.activeConversations,
    deadLetters: () => countDeadLetters(db, QUEUE_DEPTH_LIMIT),
    // Every process reads what the one that sends recorded.
    pageHealth: () => db.selectFrom('pages').select(['id', 'health']).execute(),
  });
  // What the inboxes' live stream hears; on PostgreSQL, from every process.
  const changes = capabilities.sharedAcrossProcesses
    ? createSharedChanges({
        databaseUrl: config.databaseUrl,
        notify: notifier(db, CHANGES_CHANNEL),
        logger,
      })
    : createLocalChanges();
  const observer: ProcessingObserver = {
    processed(outcome, ms) {
      metrics.eventsProcessed.inc({ outcome });
      metrics.processSeconds.observe(ms / 1000);
    },
    sent(outcome, ms) {
      metrics.sends.inc({ outcome });
      // Sends refused by the window policy, or recorded late, made no Graph call: no latency to count.
      if (ms !== undefined) metrics.sendSeconds.observe(ms / 1000);
    },
    changed: (conversationId) => changes.publish(conversationId),
    threadHealth: metrics.threadHealth,
  };
  const env = options.env ?? process.env;
  const makeProcessing = () =>
    createProcessing({
      db,
      capabilities,
      directory,
      graph: config.graph,
      logger,
      timers,
      random: options.random,
      env,
      tuning: options.tuning,
      observer,
      catchUpPages,
    });
  // On PostgreSQL one process at a time, the one holding a lock, processes; the others hand it their work.
  const notifyWork = notifier(db, WORK_CHANNEL);
  const shared = capabilities.sharedAcrossProcesses;
  const processing: Processing = writeLock
    ? await startProcessingThread({
        config,
        env,
        tuning: options.tuning,
        directory,
        writeLock,
        observer,
        logger,
        onFailure: (error) => options.onFatal?.(error),
        entry: options.processingThreadEntry,
      })
    : shared
      ? await createLeaderProcessing({
          databaseUrl: config.databaseUrl,
          logger,
          start: makeProcessing,
          loadEvents: (ids) => loadPendingByIds(db, ids),
          loadEarlier: (events) => loadPendingBefore(db, events),
          notify: notifyWork,
          pollMs: options.tuning?.leaderPollMs,
          silenceMs: options.tuning?.leaderSilenceMs,
        })
      : await makeProcessing();
  // Concurrent webhooks share one insert and one flush that makes them survive a power loss (storage/file-sync.ts).
  const ingress = createGroupCommit(async (events: Parameters<typeof insertInboundEvents>[1]) => {
    const stored = await insertInboundEvents(db, events, timers.now());
    try {
      persist();
    } catch (error) {
      // After a failed flush the kernel may have dropped the pages it could not write, so no later write can be
      // trusted to reach the disk (PostgreSQL stops for the same reason). The 500s make Facebook send these events
      // again; the next start resumes whatever the database kept.
      logger.fatal({ err: error }, 'could not flush the database to disk: stopping');
      options.onFatal?.(error as Error);
      throw error;
    }
    return stored;
  });

  let closing = false;
  const app = createHttpApp(logger, config.trustProxy);
  await app.register(healthRoutes, { db, metrics, isClosing: () => closing });
  await app.register(webhookRoutes, {
    directory,
    store: ingress.submit,
    quarantine: async (items) => {
      await quarantine(db, items, timers.now());
      await ingress.submit([]); // Kept for inspection means on disk: the next group commit's flush covers it.
    },
    stillPending: (events) => loadPendingByKey(db, events),
    enqueue: (events) => processing.enqueue(events),
    catchUpPages,
    metrics,
    logger,
  });

  // The processing thread keeps a copy of the directory: it hears of each reload.
  const pages: PageDirectory = {
    ...directory,
    async reload() {
      await directory.reload();
      processing.pagesChanged();
    },
  };
  const upkeep = createPageUpkeep({
    db,
    directory,
    graphFor: graph.graphFor,
    logger,
    retryMs: options.tuning?.pageRetryMs,
    now,
    healthRecorded: () => pages.reload(),
  });
  const authenticate = createBasicAuth(db, { publicUrl: config.publicUrl });
  const store = createConversationStore(db, createBatchedWrites(db, capabilities.concurrentWriters));
  await app.register(async (api) => {
    api.addHook('onRequest', authenticate);
    // Answers hold conversations, and generated passwords: no cache, a browser's or a proxy's, may keep one.
    api.addHook('onSend', (_request, reply, payload, done) => {
      reply.header('cache-control', 'no-store');
      done(null, payload);
    });
    await api.register(adminRoutes, {
      db,
      directory: pages,
      resume: async () => void (await processing.resume()),
      changed: (id) => changes.publish(id),
      syncProfile: (pageId) => upkeep.syncProfile(pageId),
      now,
    });
    await api.register(conversationRoutes, {
      db,
      store,
      wake(id) {
        processing.wake(id);
        changes.publish(id);
      },
      changed(id) {
        processing.conversationChanged(id);
        changes.publish(id);
      },
      announce: (id) => changes.publish(id),
      takeThread: createThreadTaking({
        directory,
        graphFor: graph.graphFor,
        tokenRefused: (pageId, error) => upkeep.tokenRefused(pageId, 'take a thread back', error),
      }),
      now,
    });
    await api.register(streamRoutes, {
      changes,
      onForget: authenticate.onForget,
      stillSignedIn: authenticate.stillSignedIn,
    });
    await api.register(userRoutes, {
      db,
      configuredAdmin: config.admin?.email,
      forget: authenticate.forget,
      announce: (id) => changes.publish(id),
      now,
    });
  });
  await app.register(oauthRoutes, {
    db,
    box: secretBox,
    directory: pages,
    graphFor: graph.graphFor,
    publicUrl: config.publicUrl,
    facebookWebUrl: config.facebookWebUrl,
    authenticate,
    connected: (pageIds) => upkeep.connected(pageIds),
    logger,
    now,
  });
  await app.register(facebookCallbackRoutes, { db, directory: pages, publicUrl: config.publicUrl, logger, now });
  await app.register(inboxRoutes, { mediaOrigins: [config.graph.apiUrl] });

  const profilesSynced = upkeep.atStart();
  pageWatch = pagesLoaded === undefined ? undefined : watchOtherProcesses(pagesLoaded);

  const purge = () =>
    purgeExpired(db, timers.now())
      .then((counts) => Object.values(counts).some((n) => n > 0) && logger.info(counts, 'purged expired rows'))
      .catch((err) => logger.error({ err }, 'could not purge expired events'));
  const purgeTimer = setInterval(purge, 60 * 60_000).unref();
  void purge();

  /**
   * Processes on one PostgreSQL database each keep the pages in memory: a settings change made through one of them
   * (auto replies turned off, say) reaches the others within `pagePollMs`.
   */
  function watchOtherProcesses(loaded: string) {
    let seen = loaded;
    let polling: Promise<void> | undefined;
    /** A look asked for while one was under way, which may have read the version before the change. */
    let queued: Promise<void> | undefined;
    const poll = async () => {
      try {
        const version = await pagesVersion(db);
        if (version !== seen) await pages.reload();
        seen = version;
      } catch (err) {
        logger.warn({ err }, 'could not look for page changes made by other processes');
      }
    };
    let stopped = false;
    const look = (): Promise<void> => {
      if (stopped) return Promise.resolve();
      if (polling) {
        queued ??= polling.then(() => {
          queued = undefined;
          return look();
        });
        return queued;
      }
      polling = poll().finally(() => {
        polling = undefined;
      });
      return polling;
    };
    const timer = setInterval(() => {
      if (!polling) void look();
    }, options.tuning?.pagePollMs ?? PAGE_POLL_MS).unref();
    return {
      /** Looks now, after the look under way: for a page another process connected a moment ago. */
      catchUp: look,
      /** Stops looking, once a look under way is done: it must not reload after the database closes. */
      async stop() {
        stopped = true;
        clearInterval(timer);
        await queued;
        await polling;
      },
    };
  }

  // The process that takes the processing lock resumes as it takes it.
  if (!shared) {
    const resumed = await processing.resume();
    if (resumed.events || resumed.conversations) logger.info(resumed, 'resumed unfinished work');
  }

  return {
    app,
    db,
    processingThread: Boolean(writeLock),
    profilesSynced,
    async listen() {
      return app.listen({ port: config.port, host: config.host });
    },
    idle: () => processing.idle(),
    async close() {
      closing = true;
      clearInterval(purgeTimer);
      // Every part is closed, whatever failed before it (a processing thread that died or failed its stop), so the
      // database is closed and its WAL checkpointed; then the failures reject, so that `switchboard start` exits with
      // 1 (runtime.ts `closeOnSignals` logs them once), and a supervisor sees a shutdown that did not go cleanly.
      const failed: { part: string; error: unknown }[] = [];
      const closePart = async (part: string, close: () => unknown) => {
        try {
          await close();
        } catch (error) {
          failed.push({ part, error });
        }
      };
      await closePart('the page watch', () => pageWatch?.stop());
      await closePart('the page upkeep', () => upkeep.close());
      await closePart('the HTTP server', () => app.close());
      await closePart('the webhook writes', () => ingress.flush());
      await closePart('the processing thread', () => processing.stop());
      // After processing: what it did while stopping reaches the inboxes of other processes.
      await closePart('the live changes', () => changes.close());
      await closePart('the Graph clients', () => graph.close());
      await closePart('the database', () => database.close());
      if (failed.length > 0)
        throw new AggregateError(
          failed.map((f) => f.error),
          `could not close ${failed.map((f) => f.part).join(', ')}; the rest closed`,
        );
    },
  };
}
