import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ConversationService } from '../conversations/conversation-service.ts';
import type { Clock } from '../conversations/ports.ts';
import { loadPendingEvents, recordEventFailure, type StoredInboundEvent } from '../storage/inbound-event-repository.ts';
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
  onProcessed?: (event: StoredInboundEvent, outcome: 'done' | 'retry' | 'dead', ms: number) => void;
}

/** Takes stored inbound events and hands them to the conversation service, serially per person and page. */
export function createInboundWorker(options: InboundWorkerOptions) {
  const { db, service, clock, logger } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 1000;

  /** Ids queued or running, so a resume never queues an event twice. */
  const queued = new Set<string>();

  async function run(stored: StoredInboundEvent): Promise<LaneOutcome> {
    const started = performance.now();
    try {
      await service.handle(stored);
      queued.delete(stored.id);
      options.onProcessed?.(stored, 'done', performance.now() - started);
      return 'done';
    } catch (error) {
      stored.attempts++;
      const dead = stored.attempts >= maxAttempts;
      const log = logger.child({ eventId: stored.id, pageId: stored.event.page_id, attempts: stored.attempts });
      log.error({ err: error }, dead ? 'event failed for the last time: dead' : 'event failed: will retry');
      await recordEventFailure(db, stored.id, (error as Error).message ?? String(error), dead, clock.now()).catch((e) =>
        log.error({ err: e }, 'could not record the failure'),
      );
      options.onProcessed?.(stored, dead ? 'dead' : 'retry', performance.now() - started);
      if (dead) {
        queued.delete(stored.id);
        return 'done';
      }
      return retryBaseMs * 2 ** (stored.attempts - 1) * (0.75 + Math.random() * 0.5);
    }
  }

  const lanes = createLanes<StoredInboundEvent>({ concurrency: options.concurrency ?? 64, run });

  return {
    enqueue(events: StoredInboundEvent[]) {
      for (const e of events) {
        if (queued.has(e.id)) continue;
        queued.add(e.id);
        lanes.push(`${e.event.page_id}:${e.event.user_id ?? '-'}`, e);
      }
    },
    /** Resumes everything acknowledged but unfinished (after a crash or restart). */
    async resume(): Promise<number> {
      let count = 0;
      let after = '';
      for (;;) {
        const batch = await loadPendingEvents(db, 1000, after);
        if (batch.length === 0) return count;
        this.enqueue(batch);
        count += batch.length;
        after = (batch.at(-1) as StoredInboundEvent).id;
      }
    },
    get depth() {
      return lanes.size;
    },
    idle: () => lanes.idle(),
    stop: () => lanes.stop(),
  };
}

export type InboundWorker = ReturnType<typeof createInboundWorker>;
