import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Agent } from 'undici';
import type { Assistant } from './assistants/assistant.ts';
import { createAssistant } from './assistants/create-assistant.ts';
import type { Config } from './config/load-config.ts';
import { createConversationService } from './conversations/conversation-service.ts';
import { createMemoryRateLimiter } from './conversations/rate-limiter.ts';
import { createGraphClient, type GraphClient } from './messenger/graph/graph-client.ts';
import { createGraphSender } from './messenger/graph-sender.ts';
import { createMessengerRenderer } from './messenger/messenger-renderer.ts';
import { profileConfigSchema, toMessengerProfile } from './messenger/profile-sync/profile-config.ts';
import { type SyncResult, syncMessengerProfile } from './messenger/profile-sync/sync-profile.ts';
import { webhookRoutes } from './messenger/webhook/webhook-routes.ts';
import { createGroupCommit } from './queue/group-commit.ts';
import { createInboundWorker } from './queue/inbound-worker.ts';
import { createOutboxDispatcher, systemTimers, type Timers } from './queue/outbox-dispatcher.ts';
import { createSendPolicy } from './queue/send-policy.ts';
import { createSendThrottle } from './queue/send-throttle.ts';
import { adminRoutes } from './server/admin-routes.ts';
import { createBasicAuth } from './server/auth.ts';
import { createHttpApp } from './server/build-app.ts';
import { conversationRoutes } from './server/conversation-routes.ts';
import { healthRoutes } from './server/health-routes.ts';
import { createMetrics } from './server/metrics.ts';
import { createPageDirectory } from './server/page-directory.ts';
import { createAttachmentCache } from './storage/attachment-cache.ts';
import { createBatchedWrites } from './storage/batched-writes.ts';
import { createConversationStore } from './storage/conversation-store.ts';
import { openDatabase } from './storage/database.ts';
import { insertInboundEvents, quarantine } from './storage/inbound-event-repository.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { recordPageHealth, syncConfiguredPages } from './storage/page-repository.ts';
import { purgeExpired } from './storage/retention.ts';
import type { Database } from './storage/schema.ts';
import type { SecretBox } from './storage/secret-box.ts';
import { ensureAdmin } from './storage/user-repository.ts';

export interface SwitchboardOptions {
  config: Config;
  secretBox: SecretBox;
  logger: Logger;
  timers?: Timers;
  random?: () => number;
  env?: Record<string, string | undefined>;
  /** Retry and concurrency knobs; tests shorten the delays. */
  tuning?: {
    workerConcurrency?: number;
    eventMaxAttempts?: number;
    eventRetryBaseMs?: number;
    sendMaxAttempts?: number;
    sendRetryBaseMs?: number;
    inDoubtGraceMs?: number;
  };
}

export interface Switchboard {
  app: FastifyInstance;
  db: Kysely<Database>;
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
  const lostConnection = (error: Error) =>
    logger.warn({ reason: error.message }, 'lost an idle PostgreSQL connection; the pool opens another on next use');
  const { db, capabilities, persist, close: closeDb } = openDatabase(config.databaseUrl, lostConnection);
  await migrateToLatest(db);
  await syncConfiguredPages(db, secretBox, config, timers.now());
  const directory = createPageDirectory(db, secretBox);
  await directory.reload();
  if (config.admin && (await ensureAdmin(db, config.admin, timers.now())))
    logger.info({ email: config.admin.email }, 'created the first admin');

  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  const graphClients = new Map<string, GraphClient>();
  const graphFor = (appId: string) => {
    let client = graphClients.get(appId);
    if (!client) {
      const appSecret = directory.app(appId)?.secret;
      client = createGraphClient({
        baseUrl: config.graph.apiUrl,
        version: config.graph.version,
        appSecret,
        dispatcher,
        logger,
      });
      graphClients.set(appId, client);
    }
    return client;
  };
  const attachments = await createAttachmentCache(db);
  const sender = createGraphSender({
    directory,
    graphFor,
    logger,
    // Both are bookkeeping after a send: a failure is logged, and the send itself stands.
    onAttachmentId: (pageId, url, id) =>
      attachments
        .remember(pageId, url, id, timers.now())
        .catch((err) => logger.error({ err, pageId }, 'could not cache an attachment id')),
    onPageHealth: (pageId, health, detail) => {
      logger.error({ pageId, health }, 'page needs attention: Graph refused its token');
      recordPageHealth(db, pageId, health, detail, timers.now()).catch((err) =>
        logger.error({ err, pageId }, 'could not record page health'),
      );
    },
  });

  const assistants = new Map<string, Assistant>();
  for (const page of directory.pages()) {
    const env = options.env ?? process.env;
    assistants.set(
      page.id,
      await createAssistant(page.assistant, { fallbackText: page.settings.fallback_text, env, logger }),
    );
  }

  const transaction = createBatchedWrites(db, capabilities.concurrentWriters);
  const store = createConversationStore(db, transaction);
  let outbox: ReturnType<typeof createOutboxDispatcher> | undefined;
  const service = createConversationService({
    store: {
      ...store,
      async commitTurn(result, now) {
        await store.commitTurn(result, now);
        if (result.outgoing) outbox?.wake(result.outgoing.conversation_id);
      },
    },
    pages: (id) => directory.page(id),
    assistantFor: (id) => assistants.get(id) as Assistant,
    renderer: createMessengerRenderer({ random: options.random, attachmentIdFor: attachments.get }),
    profiles: sender,
    rateLimiter: createMemoryRateLimiter(),
    clock: timers,
    logger,
  });

  let worker: ReturnType<typeof createInboundWorker> | undefined;
  const metrics = createMetrics({
    queueDepth: () => worker?.depth ?? 0,
    sendingConversations: () => outbox?.activeConversations ?? 0,
  });
  const t = options.tuning ?? {};
  worker = createInboundWorker({
    db,
    service,
    clock: timers,
    logger,
    concurrency: t.workerConcurrency,
    maxAttempts: t.eventMaxAttempts,
    retryBaseMs: t.eventRetryBaseMs,
    onProcessed: (_event, outcome, ms) => {
      metrics.eventsProcessed.inc({ outcome });
      metrics.processSeconds.observe(ms / 1000);
    },
  });
  outbox = createOutboxDispatcher({
    db,
    transaction,
    sender,
    timers,
    logger,
    maxAttempts: t.sendMaxAttempts,
    retryBaseMs: t.sendRetryBaseMs,
    inDoubtGraceMs: t.inDoubtGraceMs,
    decide: createSendPolicy(db, () => timers.now()),
    throttle: createSendThrottle({
      ratePerSecond: (pageId) => directory.page(pageId)?.settings.send_rate_per_second ?? 50,
      now: () => timers.now(),
    }),
    onResult: (_row, outcome, ms) => {
      metrics.sends.inc({ outcome });
      metrics.sendSeconds.observe(ms / 1000);
    },
  });
  // Concurrent webhooks share one insert; the flush that makes them survive a power loss runs beside the next
  // inserts (storage/file-sync.ts shares it between callers), so a slow disk delays the 200s but not the inserts.
  const ingress = createGroupCommit((events: Parameters<typeof insertInboundEvents>[1]) =>
    insertInboundEvents(db, events, timers.now()),
  );
  const storeDurably = async (events: Parameters<typeof insertInboundEvents>[1]) => {
    const stored = await ingress.submit(events);
    await persist();
    return stored;
  };

  let closing = false;
  const app = createHttpApp(logger);
  await app.register(healthRoutes, { db, metrics, isClosing: () => closing });
  const w = worker;
  await app.register(webhookRoutes, {
    directory,
    store: storeDurably,
    quarantine: (items) => quarantine(db, items, timers.now()),
    enqueue: (events) => w.enqueue(events),
    metrics,
    logger,
  });

  /** Syncs a page's Messenger profile: the configured one, with the greeting of its settings. */
  const syncProfile = async (pageId: string): Promise<SyncResult | undefined> => {
    const page = directory.page(pageId);
    if (!page || (!page.messenger_profile && !page.settings.greeting)) return undefined;
    const config = profileConfigSchema.parse({
      ...page.messenger_profile,
      greeting: page.settings.greeting ?? page.messenger_profile?.greeting,
    });
    const result = await syncMessengerProfile(graphFor(page.app_id), page.access_token, toMessengerProfile(config));
    const log = logger.child({ pageId });
    if (result.status === 'failed') log.error({ error: result.error }, 'could not sync the Messenger profile');
    else log.info(result, 'Messenger profile synced');
    return result;
  };
  const authenticate = createBasicAuth(db);
  const o = outbox;
  const resume = async () => {
    await w.resume();
    await o.resume();
  };
  await app.register(async (api) => {
    api.addHook('onRequest', authenticate);
    await api.register(adminRoutes, { db, directory, resume, syncProfile, now: () => timers.now() });
    await api.register(conversationRoutes, { db, store, wake: (id) => o.wake(id), now: () => timers.now() });
  });

  const profilesSynced = Promise.all(directory.pages().map((page) => syncProfile(page.id))).then(() => undefined);

  const purge = () =>
    purgeExpired(db, timers.now())
      .then((counts) => (counts.events || counts.quarantined) && logger.info(counts, 'purged expired events'))
      .catch((err) => logger.error({ err }, 'could not purge expired events'));
  const purgeTimer = setInterval(purge, 60 * 60_000).unref();
  void purge();

  const resumed = await worker.resume();
  const resumedSends = await outbox.resume();
  if (resumed || resumedSends) logger.info({ events: resumed, conversations: resumedSends }, 'resumed unfinished work');

  return {
    app,
    db,
    profilesSynced,
    async listen() {
      return app.listen({ port: config.port, host: config.host });
    },
    async idle() {
      for (;;) {
        await w.idle();
        await o.idle();
        if (w.depth === 0 && o.activeConversations === 0) return;
      }
    },
    async close() {
      closing = true;
      clearInterval(purgeTimer);
      await app.close();
      await ingress.flush();
      await w.stop();
      await o.stop();
      for (const client of graphClients.values()) await client.close();
      await dispatcher.close();
      await closeDb();
    },
  };
}
