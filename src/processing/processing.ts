import { setMaxListeners } from 'node:events';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createAssistant } from '../assistants/create-assistant.ts';
import type { Config } from '../config/load-config.ts';
import { createConversationService } from '../conversations/conversation-service.ts';
import { createHeldReceipts } from '../conversations/held-receipts.ts';
import { createMemoryRateLimiter, KEPT_MS as RATE_LIMIT_KEPT_MS } from '../conversations/rate-limiter.ts';
import { createGraphSender } from '../messenger/graph-sender.ts';
import { createMessengerRenderer } from '../messenger/messenger-renderer.ts';
import type { SendResult } from '../queue/channel-sender.ts';
import { createInboundWorker } from '../queue/inbound-worker.ts';
import { createOutboxDispatcher } from '../queue/outbox-dispatcher.ts';
import type { Timers } from '../queue/row-waits.ts';
import { createSendPolicy } from '../queue/send-policy.ts';
import { createSendThrottle } from '../queue/send-throttle.ts';
import { createWebhookCatchUp } from '../queue/webhook-catch-up.ts';
import type { PageLookup } from '../server/page-directory.ts';
import { createAttachmentCache } from '../storage/attachment-cache.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { cachedConversations } from '../storage/conversation-cache.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import type { DatabaseCapabilities } from '../storage/database.ts';
import {
  loadHandledTurnsSince,
  loadPendingEchoes,
  type StoredInboundEvent,
} from '../storage/inbound-event-repository.ts';
import { markThreadOurs } from '../storage/outbox-repository.ts';
import { clearPageHealth, recordPageHealth, recordPolicyWarning } from '../storage/page-repository.ts';
import type { Database } from '../storage/schema.ts';
import { reportChanges } from './change-reporting.ts';
import { createGraphClients } from './graph-clients.ts';
import { createPageAssistants } from './page-assistants.ts';

/** Retry and concurrency knobs; tests shorten the delays. */
export interface ProcessingTuning {
  workerConcurrency?: number;
  eventMaxAttempts?: number;
  eventRetryBaseMs?: number;
  sendMaxAttempts?: number;
  sendRetryBaseMs?: number;
  inDoubtGraceMs?: number;
  catchUpMaxMs?: number;
  /** How long a shutdown waits for running turns before it aborts their assistants' calls. */
  shutdownGraceMs?: number;
  /** How often to look for work nothing holds, older than this. */
  sweepMs?: number;
}

/** How long a shutdown waits for running turns (SIGTERM to SIGKILL is 10 s in Docker, 30 s in Kubernetes). */
const SHUTDOWN_GRACE_MS = 5000;
/** How often to look for stored work nothing holds, and how old it must be to count (older than any hand-over). */
const SWEEP_MS = 60_000;

/** `throttled`: over the person's rate limit, stored and shown in the inbox, not answered. */
export type ProcessedOutcome = 'done' | 'throttled' | 'retry' | 'dead';
export type SendOutcome = SendResult['status'] | 'dead';

/** Told of each event handled and each send settled: the metrics, wherever they are kept. */
export interface ProcessingObserver {
  processed(outcome: ProcessedOutcome, ms: number): void;
  /** `ms`: the Graph call's time, when one was made. */
  sent(outcome: SendOutcome, ms: number | undefined): void;
  /** A conversation's messages or state changed (or may have: a commit whose answer was lost): the live stream. */
  changed(conversationId: string): void;
  /** The processing thread's heap and event loop (processing-thread.ts), every second; one thread has Node's own. */
  threadHealth?(health: ThreadHealth): void;
}

export interface ThreadHealth {
  heapUsedBytes: number;
  /** Past it the thread dies, and the gateway with it (exit 1, for its supervisor to start it again). */
  heapLimitBytes: number;
  /** How late the thread's event loop ran, p99 over the last second: turns and sends wait that long. */
  eventLoopDelayP99Ms: number;
}

export interface ProcessingOptions {
  db: Kysely<Database>;
  /** How many write transactions are worth running at once, and whether other processes write too. */
  capabilities: Pick<DatabaseCapabilities, 'concurrentWriters' | 'sharedAcrossProcesses'>;
  directory: PageLookup;
  graph: Config['graph'];
  logger: Logger;
  timers: Timers;
  random?: () => number;
  env: Record<string, string | undefined>;
  tuning?: ProcessingTuning;
  observer: ProcessingObserver;
  /** PostgreSQL: brings `directory` up to date with the pages other processes changed (conversation-service.ts). */
  catchUpPages?: () => Promise<void>;
}

/** What the HTTP side asks of processing, in this thread or in the processing thread (processing-thread.ts). */
export interface Processing {
  /**
   * Takes events stored by the webhook. Handed to another process (PostgreSQL), a promise that resolves once it was
   * told: the webhook answers after it.
   */
  enqueue(events: StoredInboundEvent[]): void | Promise<void>;
  /** Sends whatever is queued for the conversation (a reply typed in the inbox). */
  wake(conversationId: string): void;
  /** Picks up unfinished work from the database: at start-up, and after dead letters are replayed. */
  resume(): Promise<{ events: number; conversations: number }>;
  /** The connected pages changed (OAuth, settings). */
  pagesChanged(): void;
  /** Someone other than processing changed the conversation's routing or flag (the inbox API). */
  conversationChanged(conversationId: string): void;
  /** Resolves once every stored event is handled and every queued message settled. */
  idle(): Promise<void>;
  /** Inbound events held, waiting or running. */
  readonly depth: number;
  /** Conversations with messages being sent. */
  readonly activeConversations: number;
  /**
   * Finishes what is running and stops; unfinished work stays in the database for the next start. The replies due
   * within the grace are sent first, unless `sendDue` is false: after the lock was lost (leader.ts) another process
   * may be sending them already.
   */
  stop(options?: { sendDue?: boolean }): Promise<void>;
}

/**
 * Everything between a stored event and its reply: the per-person lanes, the conversation service and its
 * assistants, the outbox and the Graph client.
 */
export async function createProcessing(options: ProcessingOptions): Promise<Processing> {
  const { db, directory, logger, timers, observer } = options;
  const graph = createGraphClients(options.graph, directory, logger);
  const attachments = await createAttachmentCache(db, () => timers.now());
  // Bookkeeping after a send: a failure is logged and the send itself stands; `stop` waits for what is in flight.
  const bookkeeping = new Set<Promise<void>>();
  const keep = (pageId: string, what: string, write: Promise<unknown>) => {
    const done = write.then(
      () => {},
      (err) => logger.error({ err, pageId }, `could not ${what}`),
    );
    bookkeeping.add(done);
    void done.finally(() => bookkeeping.delete(done));
  };
  const sender = createGraphSender({
    directory,
    graphFor: graph.graphFor,
    logger,
    attachmentIdFor: attachments.get,
    forgetAttachmentId: (pageId, url) => keep(pageId, 'forget an attachment id', attachments.forget(pageId, url)),
    onAttachmentId: (pageId, url, id) =>
      keep(pageId, 'cache an attachment id', attachments.remember(pageId, url, id, timers.now())),
    onThreadTaken: (pageId, conversationId, seen) => {
      const written = markThreadOurs(db, conversationId, seen).then(() => {
        // Written outside the turns: the next one reads it (ADR 0005), and the inboxes show the bot's again.
        cache?.forget(conversationId);
        observer.changed(conversationId);
      });
      keep(pageId, 'record the thread taken back', written);
    },
    onPageHealth: (pageId, health, detail, was) => {
      if (health === 'ok') {
        // Said at the first send after a start or a reload too: written only when a trouble (or the one it ends, `was`:
        // Meta's unblock clears its block alone) was recorded.
        const cleared = clearPageHealth(db, pageId, timers.now(), was);
        keep(
          pageId,
          'record page health',
          cleared.then((was) => was && logger.info({ pageId }, 'page sends again')),
        );
        return;
      }
      if (health === 'blocked') logger.error({ pageId, detail }, 'page needs attention: Meta blocked its messaging');
      else logger.error({ pageId, health, detail }, 'page needs attention: Graph refuses its sends');
      keep(pageId, 'record page health', recordPageHealth(db, pageId, health, detail, timers.now()));
    },
  });

  const assistants = await createPageAssistants({
    pages: () => directory.pages(),
    make: (page) =>
      createAssistant(page.assistant, {
        // The page's current text: `PATCH /api/pages/:id/settings` changes it without a restart.
        fallbackText: () => (directory.page(page.id) ?? page).settings.fallback_text,
        env: options.env,
        logger,
      }),
    logger,
  });

  const { capabilities } = options;
  const transaction = createBatchedWrites(db, capabilities.concurrentWriters);
  const stored = createConversationStore(db, transaction);
  // In memory only where no other process writes the rows: elsewhere a turn must read what they wrote.
  const cache = capabilities.sharedAcrossProcesses ? undefined : cachedConversations(stored);
  const store = cache ?? stored;
  const reporting = reportChanges({ store, changed: observer.changed, timers });
  const t = options.tuning ?? {};
  const heldReceipts = createHeldReceipts();
  const outbox = createOutboxDispatcher({
    db,
    transaction,
    sender,
    timers,
    logger,
    maxAttempts: t.sendMaxAttempts,
    retryBaseMs: t.sendRetryBaseMs,
    inDoubtGraceMs: t.inDoubtGraceMs,
    catchUpMaxMs: t.catchUpMaxMs,
    decide: createSendPolicy(db, () => timers.now()),
    pageBlocked: sender.blockedReason,
    throttle: createSendThrottle({
      ratePerSecond: (pageId) => directory.page(pageId)?.settings.send_rate_per_second ?? 50,
      appOf: (pageId) => directory.page(pageId)?.app_id,
    }),
    receiptStatus: (row, externalId, sentAt) =>
      heldReceipts.statusOf({ conversationId: row.conversation_id, externalId, sentAt }, timers.now()),
    onResult: (row, outcome, ms) => {
      observer.sent(outcome, ms);
      // A typing indicator or a seen mark shows nowhere in the inbox.
      if (row.message_id) observer.changed(row.conversation_id);
    },
  });
  const shutdown = new AbortController();
  // One listener per running model or bot turn (person-turn.ts): many at once is normal, not a leak.
  setMaxListeners(0, shutdown.signal);

  const service = createConversationService({
    store: {
      ...reporting.store,
      async linkEcho(outboxId, externalId, stampedAt, now) {
        const linked = await reporting.store.linkEcho(outboxId, externalId, stampedAt, now);
        // A row in doubt waits for this: what follows it goes now.
        if (linked && linked.changed !== undefined) outbox.echoed(linked.changed);
        return linked;
      },
      async commitTurn(result, now) {
        const { outgoing, conversation } = result;
        // A commit whose answer was lost with the connection may have queued the rows all the same, and the event's
        // next run will find it handled: the dispatcher reads what waits.
        const { rows, behindOthers, dropped, botSendsCancelled, unreachableAt } = await reporting.store
          .commitTurn(result, now)
          .catch((error: unknown) => {
            if (outgoing) outbox.wake(outgoing.conversation_id);
            throw error;
          });
        // A reply from the Page Inbox paused the bot and cancelled its unsent replies: what the dispatcher holds or
        // waits out goes, as after a take-over.
        if (botSendsCancelled && conversation) outbox.reread(conversation.id);
        if (dropped)
          logger.info({ conversationId: outgoing?.conversation_id }, 'a person took the conversation over: not sent');
        if (!outgoing || rows.length === 0) return;
        // With Graph's "cannot be reached" if it still stands (said after the person's message came, not cleared by it).
        const context = {
          author: outgoing.author,
          last_inbound_at: conversation?.changes.last_inbound_at ?? null,
          unreachable_at: unreachableAt,
        };
        // Read back when the turn did not change the window, or when older rows wait: the dispatcher keeps the order.
        const handed = context.last_inbound_at === null || behindOthers ? undefined : { rows, context };
        outbox.wake(outgoing.conversation_id, handed);
      },
    },
    pages: (id) => directory.page(id),
    catchUpPages:
      options.catchUpPages &&
      (async () => {
        await options.catchUpPages?.();
        await assistants.ready();
      }),
    assistantFor: (id) => {
      const made = assistants.of(id);
      // A page another process added a moment ago: its event is tried again once the assistant is made.
      if (!made) throw new Error(`page ${id} has no assistant yet`);
      return made;
    },
    renderer: createMessengerRenderer({
      random: options.random,
      onDrop: (turn, { response, reason }) =>
        logger.warn({ ...turn, response: response.type, reason }, 'left out a response Messenger cannot show'),
    }),
    profiles: sender,
    threads: sender,
    rateLimiter: createMemoryRateLimiter(),
    heldReceipts,
    policyEnforced(pageId, action, reason) {
      sender.policyEnforced(pageId, action, reason);
      if (action === 'warning') logger.warn({ pageId, reason }, 'Meta warned the page about its messaging');
      // A block or an unblock says what stands now: the warning before it is done with.
      const warning = action === 'warning' ? (reason ?? '') : null;
      keep(pageId, 'record a policy warning', recordPolicyWarning(db, pageId, warning, timers.now()));
    },
    clock: timers,
    logger,
    shutdown: shutdown.signal,
  });
  // Nobody's rate limit starts afresh with this processing (a restart, a take-over on PostgreSQL).
  service.countAgain(await loadHandledTurnsSince(db, timers.now() - RATE_LIMIT_KEPT_MS));
  const worker = createInboundWorker({
    db,
    service,
    clock: timers,
    logger,
    concurrency: t.workerConcurrency,
    maxAttempts: t.eventMaxAttempts,
    retryBaseMs: t.eventRetryBaseMs,
    onProcessed: (_event, outcome, ms) => observer.processed(outcome, ms),
    shutdown: shutdown.signal,
  });

  // Work nothing else would pick up until the next start: dead letters replayed by `switchboard replay` beside the
  // running gateway, or rows and events whose hand-over was lost with their commit's answer (PostgreSQL).
  // Started once the first resume has marked what a previous process left unsent as in doubt.
  const sweepMs = t.sweepMs ?? SWEEP_MS;
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = async () => {
    const before = timers.now() - sweepMs;
    try {
      const events = await worker.sweep(before);
      const conversations = await outbox.sweep(before);
      if (events || conversations) logger.info({ events, conversations }, 'picked up stored work nothing held');
    } catch (err) {
      logger.error({ err }, 'could not look for stored work nothing held');
    }
  };

  /**
   * Until the first resume has marked the rows a previous process left unsent as in doubt, wakes wait: a drain
   * started before (an agent's reply told by another process as this one takes the lock over) would send such a row
   * without the wait for its echo.
   */
  let heldWakes: Set<string> | undefined = new Set();

  const catchUp = createWebhookCatchUp({
    outbox,
    loadPendingEchoes: () => loadPendingEchoes(db),
    settleEchoes: (echoes) => service.settleStoredEchoes(echoes),
    logger,
  });

  return {
    enqueue(events) {
      worker.enqueue(events);
      catchUp.heard(events);
    },
    wake: (id) => (heldWakes ? heldWakes.add(id) : outbox.wake(id)),
    async resume() {
      // Events stored meanwhile (a process taking the lock over is taking webhooks already) come after the stored ones.
      worker.holdBack();
      let conversations: number;
      try {
        await service.settleStoredEchoes(await loadPendingEchoes(db));
        // The outbox first: it marks the conversations with rows left unsent as in doubt before any resumed turn
        // queues a reply there, which would otherwise be sent ahead of them, and without the wait for their echoes.
        // Only the first resume follows a restart (or a take-over); later ones follow a replay.
        conversations = await outbox.resume({ restarted: heldWakes !== undefined });
      } catch (error) {
        // The events held back meanwhile are in the database only: read back, or nothing would handle them (a sweep
        // leaves them to the read it takes to be under way) until the next start.
        await worker.resume();
        throw error;
      }
      const held = heldWakes ?? [];
      heldWakes = undefined;
      for (const id of held) outbox.wake(id);
      const events = await worker.resume();
      await reporting.resumePauses(db);
      sweeper ??= setInterval(sweep, sweepMs).unref();
      return { events, conversations };
    },
    // The directory is current already (the caller's own, or the thread's copy): a new or changed page needs its
    // assistant.
    pagesChanged: () => {
      sender.directoryReloaded();
      assistants.pagesChanged();
    },
    conversationChanged: (id) => {
      cache?.forget(id);
      outbox.reread(id);
    },
    async idle() {
      for (;;) {
        await worker.idle();
        await outbox.idle();
        if (worker.depth === 0 && outbox.activeConversations === 0) return;
      }
    },
    get depth() {
      return worker.depth;
    },
    get activeConversations() {
      return outbox.activeConversations;
    },
    async stop({ sendDue = true } = {}) {
      clearInterval(sweeper);
      reporting.stop();
      // A model's turn can take minutes with its retries; supervisors give a stop seconds. Cut short, a turn stays
      // pending for the next start, and its assistant is asked again then.
      const graceMs = t.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
      const graceEnds = performance.now() + graceMs;
      const grace = setTimeout(() => shutdown.abort(new Error('the gateway is shutting down')), graceMs);
      // Nothing more to send (the lock was lost: another process sends now): stopped at once, not after the turns,
      // which may hang on a database cut off meanwhile while the sends they queued would still go.
      const unsent = sendDue ? undefined : outbox.stop(0);
      await worker.stop();
      clearTimeout(grace);
      // What the last turns queued goes out in the rest of the grace, unless it must wait longer (pacing, a retry).
      await (unsent ?? outbox.stop(graceEnds - performance.now()));
      await catchUp.idle();
      await Promise.all(bookkeeping);
      await graph.close();
    },
  };
}
