import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ConversationService } from '../conversations/conversation-service.ts';
import type { Clock } from '../conversations/ports.ts';
import {
  EventAlreadyHandledError,
  loadPendingEvents,
  pendingEventIdsBefore,
  recordEventFailure,
  type StoredInboundEvent,
} from '../storage/inbound-event-repository.ts';
import type { Database } from '../storage/schema.ts';
import { createLanes, type LaneOutcome } from './lanes.ts';

export interface InboundWorkerOptions {
  db: Kysely<Database>;
  service: ConversationService;
  clock: Clock;
  logger: Logger;
  /** People handled at the same time. */
  concurrency?: number;
  /** Attempts before an event goes to the dead state (listed by the API, replayable). */
  maxAttempts?: number;
  retryBaseMs?: number;
  /**
   * Events held in memory at most. Past it, new events stay in the database only (they are stored before the 200
   * anyway) and are read back in order as the backlog drains, so a flood cannot exhaust memory.
   */
  maxHeld?: number;
  onProcessed?: (event: StoredInboundEvent, outcome: 'done' | 'throttled' | 'retry' | 'dead', ms: number) => void;
  /** Aborted when a shutdown stops waiting for running turns: what they were doing is no failure of theirs. */
  shutdown?: AbortSignal;
}

/** How many handled event ids are remembered: far more than a read of pending events returns at once. */
const SETTLED_KEPT = 4096;

/** Ids a sweep reads at once, looking for a pending event nothing holds. */
const SWEEP_PAGE = 1000;

/** One lane per person and page. */
const laneOf = (e: StoredInboundEvent) => `${e.event.page_id}:${e.event.user_id ?? '-'}`;

/** Takes stored inbound events and hands them to the conversation service, serially per person and page. */
export function createInboundWorker(options: InboundWorkerOptions) {
  const { db, service, clock, logger } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 1000;

  const maxHeld = options.maxHeld ?? 10_000;
  /** Ids queued or running, so a resume never queues an event twice. */
  const queued = new Set<string>();
  /**
   * Ids of the events handled most recently: a read that began before one was settled (a sweep, a redelivery's look
   * at what is pending) must not run it again, which would call its assistant a second time for a turn never kept.
   */
  const settled = new Set<string>();
  /**
   * Events whose last failure was recorded (dead), each with the mark taken as it was: a read that began before it may
   * still see the event pending, and must not run it again. A read that began after it and sees it pending finds it
   * replayed (`switchboard replay`, the API's replay): it is held again then.
   */
  const dead = new Map<string, number>();
  /** Counts dead events recorded; a read takes the count as it begins. */
  let deadMarks = 0;
  /** Some pending events are in the database only; every one with an id above `cursor` is still to be read. */
  let spilled = false;
  let cursor = '';
  /** The largest id held: below it, every pending event is held (ids grow in arrival order). */
  let lastHeld = '';
  /** An event was left to the database since the last read began. */
  let dropped = false;
  let paging: Promise<void> | undefined;

  async function run(stored: StoredInboundEvent): Promise<LaneOutcome> {
    const started = performance.now();
    let handled: 'throttled' | undefined;
    try {
      handled = await service.handle(stored);
    } catch (error) {
      return failed(stored, error, started);
    }
    settle(stored);
    options.onProcessed?.(stored, handled ?? 'done', performance.now() - started);
    return 'done';
  }

  async function failed(stored: StoredInboundEvent, error: unknown, started: number): Promise<LaneOutcome> {
    if (error instanceof EventAlreadyHandledError) {
      logger.info({ eventId: stored.id }, 'event handled already: its second run wrote nothing');
      finish(stored);
      return 'done';
    }
    // Cut short by a shutdown: it stays pending, untouched, for the next start (the lanes start nothing now).
    if (options.shutdown?.aborted) return retryBaseMs;
    const log = logger.child({ eventId: stored.id, pageId: stored.event.page_id, attempts: stored.attempts + 1 });
    const dead = stored.attempts + 1 >= maxAttempts;
    log.error({ err: error }, dead ? 'event failed for the last time: dead' : 'event failed: will retry');
    const message = error instanceof Error ? error.message : String(error);
    let recorded: boolean;
    try {
      recorded = await recordEventFailure(db, stored.id, message, dead, clock.now());
    } catch (e) {
      // Not recorded: the event stays at the head of its lane (never released while pending), and is tried again.
      log.error({ err: e }, 'could not record the failure; trying the event again');
      return retryBaseMs * (0.75 + Math.random() * 0.5);
    }
    if (!recorded) {
      // Another run of the event committed its turn first: the failure of this one changes nothing.
      logger.info({ eventId: stored.id }, 'event handled already: its failed second run is ignored');
      finish(stored);
      return 'done';
    }
    stored.attempts++;
    options.onProcessed?.(stored, dead ? 'dead' : 'retry', performance.now() - started);
    if (dead) {
      markDead(stored.id);
      release(stored);
      return 'done';
    }
    return retryBaseMs * 2 ** (stored.attempts - 1) * (0.75 + Math.random() * 0.5);
  }

  const lanes = createLanes<StoredInboundEvent>({ concurrency: options.concurrency ?? 64, run });

  /** An event is finished with: its room goes to the backlog in the database once half the room is free. */
  function release(e: StoredInboundEvent) {
    queued.delete(e.id);
    if (spilled && queued.size <= maxHeld / 2) startPaging();
  }

  /** Handled for good (a dead event is only released: a replay makes it pending again). */
  function settle(e: StoredInboundEvent) {
    settled.add(e.id);
    if (settled.size > SETTLED_KEPT) settled.delete(settled.values().next().value as string);
    release(e);
  }

  /** A second run found the event handled: settled, unless it is dead (which a replay can make pending again). */
  function finish(e: StoredInboundEvent) {
    if (dead.has(e.id)) release(e);
    else settle(e);
  }

  function markDead(id: string) {
    dead.delete(id);
    dead.set(id, ++deadMarks);
    if (dead.size > SETTLED_KEPT) dead.delete(dead.keys().next().value as string);
  }

  /**
   * Whether a read that began at mark `since` and found the event pending saw it before it went dead. If not, the
   * event was replayed since: it is no longer kept apart.
   */
  function deadSince(id: string, since: number): boolean {
    const at = dead.get(id);
    if (at === undefined) return false;
    if (at > since) return true;
    dead.delete(id);
    return false;
  }

  /** `since`: the mark a read of the event began at; none for a hand-over whose read is not ours (a redelivery). */
  function hold(e: StoredInboundEvent, since = -1) {
    if (queued.has(e.id) || settled.has(e.id) || deadSince(e.id, since)) return;
    queued.add(e.id);
    if (e.id > lastHeld) lastHeld = e.id;
    lanes.push(laneOf(e), e);
  }

  /** Reads pending events back from the database, oldest first, while there is room. */
  async function pageIn(): Promise<void> {
    for (;;) {
      const room = Math.min(maxHeld - queued.size, 1000);
      if (room <= 0) return; // Still spilled: the next drain below half resumes reading.
      dropped = false;
      const from = cursor;
      const since = deadMarks;
      const batch = await loadPendingEvents(db, room, from);
      for (const e of batch) hold(e, since);
      // A reset during the read (an event older than the cursor came in) wins: the next read starts from the oldest.
      if (batch.length > 0 && cursor === from) cursor = (batch.at(-1) as StoredInboundEvent).id;
      if (batch.length < room && !dropped) {
        spilled = false;
        return;
      }
    }
  }

  function startPaging() {
    if (paging) return;
    paging = pageIn()
      .catch((error) => {
        logger.error({ err: error }, 'could not read pending events back; retrying in a second');
        setTimeout(startPaging, 1000).unref();
      })
      .finally(() => {
        paging = undefined;
      });
  }

  return {
    enqueue(events: StoredInboundEvent[]) {
      // An echo proves a send at once; behind other events in its person's lane (a long turn, a backlog), it could
      // come after a retry of that send. Settled now only then: in its lane it settles the send again, changing nothing.
      const early: StoredInboundEvent[] = [];
      for (const e of events) {
        // Held or handled already (a redelivery whose first delivery was stored): nothing to do, no read to restart.
        if (queued.has(e.id) || settled.has(e.id)) continue;
        if (e.event.kind === 'echo' && (spilled || lanes.busy(laneOf(e)))) early.push(e);
        if (!spilled && queued.size >= maxHeld) {
          spilled = true;
          cursor = lastHeld;
        }
        if (!spilled) {
          hold(e);
          continue;
        }
        dropped = true;
        if (e.id <= cursor) cursor = ''; // Out of order (a clock step back): read from the oldest to be safe.
      }
      if (early.length > 0)
        service.settleStoredEchoes(early).catch((error) => logger.error({ err: error }, 'could not settle echoes'));
    },
    /**
     * From now on new events wait in the database, to be read back in order with what is stored by the `resume` that
     * must follow: handed over at once, a person's event stored later would be handled before theirs stored earlier.
     */
    holdBack() {
      spilled = true;
      cursor = '';
    },
    /**
     * Resumes everything acknowledged but unfinished (after a crash or restart, or a replay); returns how many events
     * it then holds (the rest, past `maxHeld`, is read as the backlog drains).
     */
    async resume(): Promise<number> {
      // Until no read runs: one started meanwhile (a release) would have read past the events this resume is for.
      while (paging) await paging;
      spilled = true;
      cursor = '';
      startPaging();
      await paging;
      return queued.size;
    },
    /**
     * Reads pending events back if any stored before `before` is held by no lane: work nothing else would pick up
     * until the next start (dead events replayed by `switchboard replay` beside the running gateway, a hand-over lost
     * with its commit's answer). Returns whether it found any.
     */
    async sweep(before: number): Promise<boolean> {
      if (spilled || paging) return false; // Being read back already.
      const since = deadMarks;
      const held = (id: string) => queued.has(id) || settled.has(id) || deadSince(id, since);
      // Page by page: the oldest may all be held (a retry's back-off, a backlog), with an event nothing holds behind
      // them. Ids only, from the index: ten reads at most while the default 10,000 (maxHeld) are held.
      for (let after = ''; ; ) {
        const ids = await pendingEventIdsBefore(db, before, SWEEP_PAGE, after);
        if (!ids.every(held)) break;
        if (ids.length < SWEEP_PAGE) return false;
        after = ids.at(-1) as string;
      }
      spilled = true;
      cursor = '';
      startPaging();
      return true;
    },
    /** Events held in memory, waiting or running. */
    get depth() {
      return lanes.size;
    },
    /** Resolves when every pending event has been handled, including those waiting in the database. */
    async idle(): Promise<void> {
      for (;;) {
        await lanes.idle();
        if (!spilled && !paging) return;
        if (paging) await paging;
        else startPaging();
      }
    },
    stop: () => lanes.stop(),
  };
}

export type InboundWorker = ReturnType<typeof createInboundWorker>;
