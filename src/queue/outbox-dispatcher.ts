import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { SendDecision } from '../conversations/policy/messaging-window.ts';
import type { TransactionRunner } from '../storage/batched-writes.ts';
import {
  conversationsWithPendingSends,
  isPending,
  markRetry,
  markUnreachable,
  markUnsent,
  type OutboxRow,
  PENDING_BATCH,
  pendingOutboxRows,
  replayed,
  type SendContext,
  type SendErrorFields,
} from '../storage/outbox-repository.ts';
import type { Database } from '../storage/schema.ts';
import type { ChannelSender, OutboxSend, SendResult } from './channel-sender.ts';
import { createLastSends } from './last-sends.ts';
import { createSentRecorder, type SentRecorderOptions } from './record-sent.ts';
import { createRowWaits, type Timers } from './row-waits.ts';
import { createSemaphore } from './semaphore.ts';
import type { SendThrottle } from './send-throttle.ts';
import { createUnrecordedWrites } from './unrecorded-writes.ts';

export interface OutboxDispatcherOptions {
  db: Kysely<Database>;
  /** Runs the dispatcher's writes in (shared) transactions. */
  transaction: TransactionRunner;
  sender: ChannelSender;
  timers: Timers;
  logger: Logger;
  /** Sends in flight at once, across conversations. */
  concurrency?: number;
  /**
   * Attempts before a message goes to the dead state. The default 10, with the default back-off and grace, retries
   * for 6 to 10 minutes: a Graph outage of a few minutes loses no reply.
   */
  maxAttempts?: number;
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  /** After a crash, how long to wait for the echo of a send that may have reached Graph before sending it again. */
  inDoubtGraceMs?: number;
  /**
   * After a restart, how long at most a row in doubt waits for Facebook to deliver the webhooks it held while the
   * gateway was down, its echo among them (`pageHeard`). Default two minutes.
   */
  catchUpMaxMs?: number;
  /** The messaging-window policy: how to send this row, or why not. Default: a plain RESPONSE. */
  decide?: (row: OutboxRow, known?: SendContext) => Promise<SendDecision>;
  /** Per-page pacing under the channel's rate limits. */
  throttle?: SendThrottle;
  receiptStatus?: SentRecorderOptions['receiptStatus'];
  /**
   * Why Meta blocked the page from messaging, while its health says it does. Its rows fail at once with that reason and
   * Graph's code for it (368), as Graph would refuse them, without a call; but one send every `blockedProbeMs` still
   * goes, which finds out whether the block stands (its unblock may never come): one that goes through ends it.
   */
  pageBlocked?: (pageId: string) => string | undefined;
  /** While a page is blocked, how often one of its sends goes to Graph all the same. Default five minutes. */
  blockedProbeMs?: number;
  /** Each row settled, with how long its Graph call took (undefined when none was made: blocked, or recorded late). */
  onResult?: (row: OutboxRow, result: SendResult['status'] | 'dead', latencyMs: number | undefined) => void;
}

/** Rows a turn just queued, with what the window policy needs: handed over, they are sent without reading back. */
export interface QueuedSends {
  rows: OutboxRow[];
  context: SendContext;
}

/**
 * Sends outbox rows: one conversation's rows one at a time in order with their pacing delays,
 * different conversations in parallel; retries with exponential back-off and jitter.
 */
export function createOutboxDispatcher(options: OutboxDispatcherOptions) {
  const { db, transaction, sender, timers, logger } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5 * 60_000;
  const inDoubtGraceMs = options.inDoubtGraceMs ?? 10_000;
  const catchUpMaxMs = options.catchUpMaxMs ?? 120_000;
  const blockedProbeMs = options.blockedProbeMs ?? 5 * 60_000;
  const semaphore = createSemaphore(options.concurrency ?? 128);
  const active = new Map<string, { again: boolean }>();
  const lastSends = createLastSends(timers.now());
  /** Conversations with rows left unsent by the previous process (or by a failed write). */
  const inDoubt = new Map<string, InDoubt>();
  /** Those found at a restart whose page Facebook has not caught up with yet, as far as we know. */
  const awaitingPage = new Set<string>();
  /** The newest stamp of each page's echoes heard while some conversation awaits its page. */
  const heard = new Map<string, number>();
  const clearDoubt = (conversationId: string) => {
    inDoubt.delete(conversationId);
    awaitingPage.delete(conversationId);
  };
  /** Conversations whose drain failed and is retried shortly: older rows may wait there, so nothing is handed over. */
  const failed = new Set<string>();
  /** Conversations changed elsewhere (an agent took one over, cancelling the bot's rows): read again before sending. */
  const changed = new Set<string>();
  /** Changes of each conversation under way, counted: a row read again after one is sent only if no other came since. */
  const changes = new Map<string, number>();
  const markChanged = (conversationId: string) => {
    changed.add(conversationId);
    changes.set(conversationId, (changes.get(conversationId) ?? 0) + 1);
  };
  /**
   * Conversations whose row held a throttle slot and was cancelled meanwhile: their next row takes the slot, instead of
   * booking another behind every send booked since.
   */
  const freeSlots = new Set<string>();
  const unrecordedWrites = createUnrecordedWrites();
  const recordSent = createSentRecorder({
    transaction,
    receiptStatus: options.receiptStatus,
    logger,
    now: () => timers.now(),
  });
  let stopping = false;
  /** While stopping gracefully: rows due after this stay queued for the next start. */
  let finishBy = Number.POSITIVE_INFINITY;
  const waits = createRowWaits(timers);
  /** For each page Meta blocks, when one of its sends may next go to Graph to see whether the block stands. */
  const blockProbes = new Map<string, number>();

  /** Why the row is not to be sent: its page is blocked, and no probe is due (the first comes a while after the block). */
  function blockOf(pageId: string): string | undefined {
    const reason = options.pageBlocked?.(pageId);
    if (reason === undefined) {
      blockProbes.delete(pageId);
      return undefined;
    }
    const now = timers.now();
    const probeAt = blockProbes.get(pageId);
    if (probeAt !== undefined && now < probeAt) return reason;
    blockProbes.set(pageId, now + blockedProbeMs);
    // The block's first row fails; a row once the probe is due goes to Graph.
    return probeAt === undefined ? reason : undefined;
  }

  /** Settles a row without calling Graph: its outcome written, a retry it waited for forgotten. */
  async function settleUnsent(row: OutboxRow, status: 'dead' | 'failed' | 'blocked', error: SendErrorFields) {
    await transaction((tx) => markUnsent(tx, row, { status, attempts: row.attempts }, error, timers.now()));
    unrecordedWrites.retries.delete(row.id);
    options.onResult?.(row, status, undefined);
  }

  /** Whether an echo can settle the row's send: not for a person the channel sends none for. */
  const echoes = (row: OutboxRow) => sender.echoes?.(row.recipient_id) ?? true;
  let idleWaiters: (() => void)[] = [];

  /**
   * A row replayed from the dead letters may have reached Graph at its last attempt, made before the replay: its echo
   * gets the grace from the replay, as a retry's gets it from its call, whatever else the conversation is sending or
   * waiting for (0 for any other row). It is read again before it goes, so an echo that came meanwhile settles it.
   */
  function replayedEchoDue(row: OutboxRow, message: unknown): number {
    if (!replayed(row) || !echoes(row) || row.kind !== 'message') return 0;
    return row.next_attempt_at + (isVideo(message) ? VIDEO_FETCH_MS : 0) + inDoubtGraceMs;
  }

  async function drain(conversationId: string, state: { again: boolean }, handed?: QueuedSends) {
    let more = true;
    while (more && !stopping) {
      state.again = false;
      // What is read now is current; rows handed over before a change are read again instead.
      const stale = changed.delete(conversationId);
      const rows = handed && !stale ? handed.rows : await pendingOutboxRows(db, conversationId);
      const known = handed?.context;
      handed = undefined;
      // Nothing left of what a previous process left unsent (echoes settled it): a later reply has nothing to wait for.
      if (rows.length === 0) clearDoubt(conversationId);
      // Read again when a row stays queued (a retry waits for its turn), when the read was full, or when rows were
      // queued meanwhile; otherwise the queue is empty and nothing is read after the last send.
      more = rows.length === PENDING_BATCH;
      for (const row of rows) {
        if (stopping || !(await sendRow(row, known))) {
          // Stopping, a row not due in time waits for the next start; a queue that changed is read again.
          more = finishBy === Number.POSITIVE_INFINITY || changed.has(conversationId);
          break;
        }
      }
      more ||= state.again;
    }
    settle(conversationId);
  }

  function settle(conversationId: string) {
    active.delete(conversationId);
    changed.delete(conversationId);
    changes.delete(conversationId);
    freeSlots.delete(conversationId);
    if (active.size === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  }

  /**
   * Found unsent after a restart: Graph may have had the row when we stopped. Its echo (matched by metadata) settles it
   * if it got through, so give echoes time to arrive before sending (docs/adr/0003). A take-over ends the wait at once.
   * Only the row found first can have been under way (a conversation's rows go one at a time): if it is still first
   * when the queue is read again, it waits out what is left of the grace; any other row goes at once. True when it
   * waited: the queue is read again.
   */
  async function waitForEchoes(row: OutboxRow, message: unknown): Promise<boolean> {
    const conversationId = row.conversation_id;
    const doubt = inDoubt.get(conversationId);
    // Only a message is echoed; a typing indicator or a seen mark first in the queue means nothing after it was sent.
    if (!doubt || !echoes(row) || row.kind !== 'message') {
      clearDoubt(conversationId);
      return false;
    }
    // A video's call may have ended any time before the stop, and Graph may fetch its address for 75 s after it.
    const fetching = isVideo(message) ? VIDEO_FETCH_MS : 0;
    const now = timers.now();
    doubt.first ??= {
      rowId: row.id,
      pageId: row.page_id,
      until: now + fetching + inDoubtGraceMs,
      latest: now + fetching + catchUpMaxMs,
    };
    if (doubt.first.rowId !== row.id) {
      // A row replayed from the dead letters waits for its own echo (`sendRow`): the row in doubt keeps its wait.
      if (!replayed(row)) clearDoubt(conversationId);
      return false;
    }
    // Facebook delivers what it held while we were down before anything newer of the page: until an echo stamped
    // after the restart comes, this row's may still be on its way, however long the grace.
    const behind = doubt.restartedAt !== undefined && !((heard.get(row.page_id) ?? 0) > doubt.restartedAt);
    if (!behind) awaitingPage.delete(conversationId);
    const until = behind ? Math.max(doubt.first.until, doubt.first.latest) : doubt.first.until;
    if (!(await waits.pause(conversationId, until - timers.now()))) clearDoubt(conversationId);
    return true;
  }

  /** Sends one row; false when it is still queued (a retry is due later, or the dispatcher is stopping). */
  async function sendRow(read: OutboxRow, known?: SendContext): Promise<boolean> {
    const row = unrecordedWrites.withRetry(read);
    const accepted = unrecordedWrites.accepted.get(row.id);
    if (accepted) {
      await recordSent(row, accepted);
      unrecordedWrites.accepted.delete(row.id);
      lastSends.remember(row.conversation_id, timers.now());
      options.onResult?.(row, 'sent', undefined);
      return true;
    }
    const unrecorded = unrecordedWrites.retries.get(row.id);
    if (unrecorded && row.attempts >= maxAttempts) {
      // Its last attempt failed and going dead could not be written then: written now, without calling Graph again.
      await settleUnsent(row, 'dead', unrecorded.error);
      return true;
    }
    const message: unknown = row.kind === 'message' ? JSON.parse(row.request) : undefined;
    const last = lastSends.of(row.conversation_id);
    // A row's delay runs from the send before it, or from when it was queued: a turn's first row may carry one too
    // (the response delay, without a typing indicator before it).
    const due = Math.max(
      row.next_attempt_at,
      Math.max(last ?? 0, row.created_at) + row.delay_ms,
      replayedEchoDue(row, message),
    );
    const paced = due > timers.now();
    // A take-over cancels the bot's rows: the agent's reply must not wait out the pacing or back-off of one of them.
    if (changed.has(row.conversation_id)) return false;
    // Stopping, a row in doubt stays so: the next start waits for its echo.
    const finishing = finishBy < Number.POSITIVE_INFINITY;
    if (inDoubt.has(row.conversation_id) && (finishing || (await waitForEchoes(row, message)))) return false;
    // Meta blocks the page: Graph would refuse the send (368), as it refuses those of a refused token, so it fails now.
    const block = blockOf(row.page_id);
    if (block !== undefined) {
      logger.info(
        { outboxId: row.id, conversationId: row.conversation_id, pageId: row.page_id },
        'page blocked by Meta: not sent',
      );
      await settleUnsent(row, 'failed', { code: GRAPH_PAGE_BLOCKED, message: block });
      return true;
    }
    // Cut short (an echo settled a row of the conversation, a change): the queue is read again, and the rest waited.
    if (paced && (await waits.pause(row.conversation_id, due - timers.now()))) return false;
    if (stopping || due > finishBy || changed.has(row.conversation_id)) return false;
    const wait = freeSlots.delete(row.conversation_id)
      ? 0
      : (options.throttle?.delayFor(row.page_id, isAudioOrVideo(message)) ?? 0);
    if (wait > 0 && (await waits.pause(row.conversation_id, wait, { holdsSlot: true }))) return false;
    if (stopping) return false;
    // Changed during the throttle's wait (a flag, a take-over): the row keeps the slot it waited for, and is read again
    // with its conversation below rather than queued anew behind every send booked since.
    const stale = changed.has(row.conversation_id);
    const seen = changes.get(row.conversation_id);
    // Read again after a wait, and for a row tried before: an echo may have settled it (a timeout, a 5xx that reached
    // Graph after all), or an agent's take-over cancelled it, maybe in another process.
    if ((stale || row.attempts > 0 || paced || wait > 0) && !(await isPending(db, row.id))) {
      if (wait > 0) freeSlots.add(row.conversation_id);
      return true;
    }
    // When the message left: before Facebook stamped it, so that a receipt's watermark covers it (see markSent).
    let calledAt = 0;
    // How long the call took: not the wait for a turn among the sends under way, nor the write of its outcome.
    let callMs = 0;
    const result = await semaphore.run(
      async (): Promise<SendResult | Extract<SendDecision, { ok: false }> | undefined> => {
        // Decided last, right before the call: a wait (pacing, the throttle, a turn among the sends under way) may cross
        // the 24-hour window, and the tag depends on it.
        const decision: SendDecision = options.decide
          ? await options.decide(row, stale ? undefined : known)
          : { ok: true, messaging_type: 'RESPONSE' };
        // Changed since the drain read it (a take-over may have cancelled it), up to the call: read the queue again.
        if (stale ? changes.get(row.conversation_id) !== seen : changed.has(row.conversation_id)) return undefined;
        // Stopped while it waited for its slot or its decision (the lock lost: another process sends it now).
        if (stopping) return undefined;
        if (!decision.ok) return decision;
        calledAt = timers.now();
        const started = performance.now();
        const sent = await sender.send(toSend(row, message, decision));
        callMs = performance.now() - started;
        return sent;
      },
    );
    if (result === undefined) return false;
    if ('ok' in result) {
      logger.info(
        { outboxId: row.id, conversationId: row.conversation_id, reason: result.reason },
        'send blocked by policy',
      );
      await settleUnsent(row, 'blocked', {
        message: result.reason,
        ...(result.code !== undefined && { code: result.code }),
      });
      return true;
    }
    const now = timers.now();
    if (result.usage) options.throttle?.onUsage(row.page_id, result.usage);
    if (result.status === 'retry' && result.rate_limited)
      options.throttle?.onRateLimited(row.page_id, result.after_ms, result.app_wide);
    const attempts = row.attempts + 1;
    // A rate limit refuses a call rather than fails it, and the page's throttle spaces the next ones: the row goes dead
    // over it only once it has waited RATE_LIMIT_PATIENCE_MS, or a limit of some minutes would kill every reply queued.
    const refused = result.status === 'retry' && result.rate_limited && now - row.created_at < RATE_LIMIT_PATIENCE_MS;
    // A child logger only for the failures: creating one per sent message is measurable on the hot path.
    const log = () => logger.child({ outboxId: row.id, conversationId: row.conversation_id, pageId: row.page_id });
    // A typing indicator or a seen mark is worth nothing late, and never echoes: one that did not go through is left
    // as failed, not retried, so that the message after it does not wait out the retries.
    const outcome: SendResult =
      result.status === 'retry' && row.kind !== 'message'
        ? { status: 'failed', error: result.error, usage: result.usage }
        : result;
    switch (outcome.status) {
      case 'sent':
        try {
          await recordSent(row, { externalId: outcome.external_id, sentAt: calledAt });
        } catch (error) {
          unrecordedWrites.accepted.set(row.id, { externalId: outcome.external_id, sentAt: calledAt });
          throw error;
        }
        // Paced from when the send is recorded, not from Graph's answer: never earlier than the row says it was sent.
        lastSends.remember(row.conversation_id, timers.now());
        break;
      case 'retry': {
        const backoff = Math.min(maxRetryDelayMs, retryBaseMs * 2 ** (attempts - 1)) * (0.5 + Math.random() * 0.5);
        // A timeout or a 5xx may hide a send Graph accepted: the back-off comes after the wait for a row in doubt, so
        // that its echo can settle it first, and retries after an outage still spread out and grow. A rate limit is a
        // refusal, nothing was sent; a person who gets no echoes gets no wait for one.
        // Graph may go on fetching a video's address after the call gave up (up to 75 s, messenger-platform.md §3.5):
        // its echo comes after that.
        const fetchedBy = isVideo(message) ? calledAt + VIDEO_FETCH_MS : now;
        const inDoubtWait = outcome.rate_limited || !echoes(row) ? 0 : Math.max(0, fetchedBy - now) + inDoubtGraceMs;
        const nextAttemptAt = Math.ceil(now + Math.max(inDoubtWait + backoff, outcome.after_ms ?? 0));
        try {
          if (attempts >= maxAttempts && !refused) {
            log().error({ error: outcome.error, attempts }, 'send failed after every retry: dead');
            await transaction((tx) => markUnsent(tx, row, { status: 'dead', attempts }, outcome.error, now));
            unrecordedWrites.retries.delete(row.id);
            options.onResult?.(row, 'dead', callMs);
            return true;
          }
          log().warn({ error: outcome.error, attempts }, 'send failed: will retry');
          await transaction((tx) => markRetry(tx, row.id, attempts, nextAttemptAt, outcome.error, now));
          unrecordedWrites.retries.delete(row.id);
        } catch (error) {
          unrecordedWrites.retries.set(row.id, { attempts, nextAttemptAt, error: outcome.error });
          // Read back as never tried, it waits for echoes first, as a row found after a restart does.
          if (!outcome.rate_limited) inDoubt.set(row.conversation_id, {});
          throw error;
        }
        break;
      }
      case 'blocked':
      case 'failed': {
        log().warn({ error: outcome.error }, `send ${outcome.status}`);
        const unreachable = outcome.status === 'failed' && outcome.unreachable === true;
        await transaction(async (tx) => {
          await markUnsent(tx, row, { status: outcome.status, attempts }, outcome.error, now);
          // Graph's "stop messaging this person": what waits for them is blocked by the policy from now on. As of the
          // call: a message the person sent after it (unblocked meanwhile) still clears the mark.
          if (unreachable) await markUnreachable(tx, row.conversation_id, calledAt);
        });
        // The rows after it were handed over with the turn's context, which knows nothing of this: read them again.
        if (unreachable) markChanged(row.conversation_id);
        break;
      }
    }
    if (outcome.status !== 'retry') unrecordedWrites.retries.delete(row.id);
    options.onResult?.(row, outcome.status, callMs);
    return outcome.status !== 'retry';
  }

  return {
    /**
     * Sends whatever is queued for the conversation. `queued`: the rows a turn just queued there. They are sent
     * without reading the queue when nothing else can be waiting before them: the conversation is not being sent
     * to (its drain reads the queue again), and its last drain did not fail.
     */
    wake(conversationId: string, queued?: QueuedSends) {
      if (stopping) return;
      const state = active.get(conversationId);
      if (state) {
        state.again = true;
        return;
      }
      const fresh = { again: false };
      active.set(conversationId, fresh);
      const handed = failed.has(conversationId) ? undefined : queued;
      void drain(conversationId, fresh, handed).catch((error) => {
        // The database failed under us: the rows are still there, so try again shortly.
        logger.error({ err: error, conversationId }, 'outbox drain failed; retrying in a second');
        settle(conversationId);
        failed.add(conversationId);
        setTimeout(() => {
          failed.delete(conversationId);
          this.wake(conversationId);
        }, 1000).unref();
      });
    },
    /** The conversation's queue changed elsewhere (rows cancelled): what is being sent there is read again first. */
    reread(conversationId: string) {
      if (!active.has(conversationId)) return;
      markChanged(conversationId);
      waits.interrupt(conversationId);
    },
    /**
     * Sends rows queued before `before` in conversations nothing is sending to (replayed beside the running gateway,
     * or queued by a commit whose answer was lost); returns how many conversations it woke.
     */
    async sweep(before: number): Promise<number> {
      const idle = (await conversationsWithPendingSends(db, before)).filter((id) => !active.has(id));
      // A replayed row may have reached Graph at its last try: its echo gets time to settle it, as after a restart.
      for (const id of idle) {
        // Kept when in doubt already (a drain that failed, retried in a second): it may be waiting for its page.
        if (!inDoubt.has(id)) inDoubt.set(id, {});
        this.wake(id);
      }
      return idle.length;
    },
    /**
     * Resumes unsent rows after a restart, or after a replay (`restarted: false`): the webhook was up meanwhile, so
     * Facebook holds nothing back and a row's echo has its grace alone.
     */
    async resume({ restarted = true } = {}): Promise<number> {
      const conversations = await conversationsWithPendingSends(db);
      const restartedAt = timers.now();
      for (const id of conversations) {
        if (!active.has(id)) {
          inDoubt.set(id, restarted ? { restartedAt } : (inDoubt.get(id) ?? {}));
          if (restarted) awaitingPage.add(id);
        }
        this.wake(id);
      }
      return conversations.length;
    },
    /** An echo settled a row of the conversation: a wait for echoes there ends, and its queue is read again. */
    echoed(conversationId: string) {
      if (inDoubt.has(conversationId)) waits.interrupt(conversationId);
    },
    /** Whether rows found at the restart still wait for their page's webhooks to catch up (`pageHeard`). */
    get awaitingWebhooks() {
      return awaitingPage.size > 0;
    },
    /**
     * An echo of the page stamped `stamp` was stored, and every echo stored so far has settled its row: a row found at
     * the restart before `stamp` waits no longer than its grace, since its echo came first if it had one.
     */
    pageHeard(pageId: string, stamp: number) {
      if (awaitingPage.size === 0) return;
      heard.set(pageId, Math.max(heard.get(pageId) ?? 0, stamp));
      for (const id of awaitingPage) {
        const doubt = inDoubt.get(id);
        if (!doubt?.first || doubt.first.pageId !== pageId || !(stamp > (doubt.restartedAt ?? 0))) continue;
        awaitingPage.delete(id);
        waits.interrupt(id);
      }
    },
    get activeConversations() {
      return active.size;
    },
    /** Waits under way (pacing, the throttle, a retry, the grace of a row in doubt): one per conversation at most. */
    get waiting() {
      return waits.size;
    },
    idle(): Promise<void> {
      if (active.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    /**
     * Stops sending; rows due within `finishMs` still go (a turn's reply queued as the gateway stops reaches the person
     * now, not after the restart), later ones stay queued. Resolves once no send is under way.
     */
    async stop(finishMs = 0) {
      const tick = () => new Promise((r) => setTimeout(r, 10));
      if (finishMs > 0) {
        finishBy = timers.now() + finishMs;
        waits.cutAfter(finishBy);
        const deadline = performance.now() + finishMs;
        while (active.size > 0 && performance.now() < deadline) await tick();
      }
      stopping = true;
      waits.stop();
      while (active.size > 0) await tick();
    },
  };
}

export type OutboxDispatcher = ReturnType<typeof createOutboxDispatcher>;

/** A conversation whose rows a previous process, or a failed write, left unsent. */
interface InDoubt {
  /** Found at a restart, at this time: Facebook held the webhooks it could not deliver meanwhile, echoes included. */
  restartedAt?: number;
  /**
   * The first row sent there, which may have reached Graph: it waits for echoes until `until`, and after a restart
   * until its page catches up, or `latest` at the most.
   */
  first?: { rowId: string; pageId: string; until: number; latest: number };
}

/** Graph's refusal of a send from a page Meta blocked (messenger-platform.md §4.2). */
const GRAPH_PAGE_BLOCKED = 368;
/** How long Graph may take to fetch a video's address, inside the Send API call (messenger-platform.md §3.5). */
const VIDEO_FETCH_MS = 75_000;
/** How long a row refused by rate limits is tried again past its attempts before it goes dead. */
export const RATE_LIMIT_PATIENCE_MS = 60 * 60_000;

const attachmentType = (message: unknown) =>
  (message as { attachment?: { type?: unknown } } | undefined)?.attachment?.type;

/** Sends under Graph's lower rate for audio and video attachments. */
function isAudioOrVideo(message: unknown): boolean {
  const type = attachmentType(message);
  return type === 'audio' || type === 'video';
}

const isVideo = (message: unknown) => attachmentType(message) === 'video';

function toSend(row: OutboxRow, message: unknown, decision: Extract<SendDecision, { ok: true }>): OutboxSend {
  return {
    outbox_id: row.id,
    page_id: row.page_id,
    conversation_id: row.conversation_id,
    recipient_id: row.recipient_id,
    kind: row.kind as OutboxSend['kind'],
    message,
    messaging_type: decision.messaging_type,
    tag: decision.tag,
    takes_thread: decision.takes_thread,
  };
}
