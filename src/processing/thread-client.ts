import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../config/load-config.ts';
import { textReadingOf } from '../conversations/turn-escalation.ts';
import type { PageDirectory } from '../server/page-directory.ts';
import type { StoredInboundEvent } from '../storage/inbound-event-repository.ts';
import { PROCESSING_THREAD, type WriteLock } from '../storage/write-lock.ts';
import type { Processing, ProcessingObserver, ProcessingTuning } from './processing.ts';
import type { CallName, FromThread, ThreadStart, ToThread } from './thread-protocol.ts';

export interface ThreadOptions {
  config: Config;
  env: Record<string, string | undefined>;
  tuning?: ProcessingTuning;
  directory: PageDirectory;
  writeLock: WriteLock;
  observer: ProcessingObserver;
  logger: Logger;
  /** The thread died after it was ready (an uncaught error, out of memory): stored events wait for the next start. */
  onFailure: (error: Error) => void;
  /** The thread's module; tests give one that fails. */
  entry?: URL;
}

/** Built (dist/) the thread runs its compiled module; from the sources it goes through tsx (bin/). */
const entry = import.meta.url.endsWith('.ts')
  ? new URL('../../bin/processing-thread.js', import.meta.url)
  : new URL('./processing-thread.js', import.meta.url);

/**
 * The thread's heap: its old generation capped as the main thread's is (`--max-old-space-size`, which `npm start`
 * sets), its young generation at 16 MB (two 8 MB semi-spaces). With the main thread's 4 MB semi-spaces it scavenged
 * twice as often, for a third more time; with 48 MB, RSS grew by 17 MB at 1,000 events/s (docs/benchmarks.md).
 */
function heapLimits() {
  const flag = process.execArgv.find((arg) => arg.startsWith('--max-old-space-size='));
  const old = Number(flag?.split('=')[1]);
  return { maxYoungGenerationSizeMb: 16, ...(old > 0 ? { maxOldGenerationSizeMb: old } : {}) };
}

/**
 * `npm start` sizes the main thread's young generation with `--max-semi-space-size`, a V8 flag, and V8's flags
 * override a worker's resource limits. V8 reads it when it creates a heap: unset before the thread starts, it leaves
 * the main thread's heap as it is, and the thread gets the young generation of `heapLimits`.
 */
function releaseSemiSpaceFlag() {
  if (process.execArgv.some((arg) => arg.startsWith('--max-semi-space-size'))) {
    setFlagsFromString('--max-semi-space-size=0');
  }
}

/**
 * Starts processing on a worker thread of its own (docs/adr/0004-webhook-thread.md) and resolves once it is ready.
 * Calls and events travel as messages; the thread's gauges and timings come back every STATS_MS.
 */
export async function startProcessingThread(options: ThreadOptions): Promise<Processing> {
  const { directory, observer, logger } = options;
  const start: ThreadStart = {
    config: options.config,
    env: options.env,
    tuning: options.tuning,
    directory: directory.snapshot(),
    writeLock: options.writeLock.buffer,
  };
  releaseSemiSpaceFlag();
  const worker = new Worker(options.entry ?? entry, {
    workerData: start,
    resourceLimits: heapLimits(),
  });
  const send = (message: ToThread) => worker.postMessage(message);
  let depth = 0;
  let activeConversations = 0;
  let nextCall = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let failure: Error | undefined;
  let stopped = false;
  let isReady = false;
  const fail = (error: Error) => {
    if (failure) return;
    failure = error;
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
    if (isReady) options.onFailure(error);
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: FromThread) => {
      switch (message.type) {
        case 'ready':
          isReady = true;
          resolve();
          break;
        case 'stats':
          depth = message.depth;
          activeConversations = message.activeConversations;
          for (const [outcome, ms] of message.processed) observer.processed(outcome, ms);
          for (const [outcome, ms] of message.sent) observer.sent(outcome, ms);
          for (const conversationId of message.changed) observer.changed(conversationId);
          if (message.health) observer.threadHealth?.(message.health);
          break;
        case 'reply': {
          const call = waiting.get(message.id);
          waiting.delete(message.id);
          if (message.error === undefined) call?.resolve(message.value);
          else call?.reject(new Error(message.error));
          break;
        }
      }
    });
    worker.on('error', (error) => {
      if (isReady)
        logger.fatal({ err: error }, 'the processing thread failed: events are stored but no longer processed');
      fail(error);
      reject(error);
    });
    worker.on('exit', (code) => {
      // Ended in a transaction (out of memory, say): the webhook's inserts would wait on the lock for ever.
      if (options.writeLock.releaseAbandoned(PROCESSING_THREAD))
        logger.warn('the processing thread ended holding the database write lock: its transaction was rolled back');
      if (!stopped && !failure) {
        logger.fatal({ code }, 'the processing thread exited: events are stored but no longer processed');
        fail(new Error(`the processing thread exited with code ${code}`));
      }
      reject(failure ?? new Error(`the processing thread exited with code ${code} before it was ready`));
    });
  });
  await ready;

  const call = <T>(name: CallName) =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextCall++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      send({ type: 'call', id, name });
    });

  return {
    // The escalation checks' reading of a text is the turn's largest piece of work that needs nothing but the event:
    // made here, it leaves the processing thread, the gateway's bottleneck, that much less to do.
    enqueue: (events) => send({ type: 'enqueue', events: events.map(withTextReading) }),
    wake: (conversationId) => send({ type: 'wake', conversationId }),
    conversationChanged: (conversationId) => send({ type: 'conversationChanged', conversationId }),
    resume: () => call('resume'),
    pagesChanged: () => send({ type: 'pages', directory: directory.snapshot() }),
    idle: () => call('idle'),
    get depth() {
      return depth;
    },
    get activeConversations() {
      return activeConversations;
    },
    async stop() {
      try {
        if (!failure) await call('stop');
      } finally {
        // Ended even when its stop failed (an error in it, or the thread died meanwhile): left running, it would write
        // to the database the gateway goes on to close. The stop's error is the caller's to report.
        stopped = true;
        await worker.terminate();
        // Calls still waiting (an `idle` with events left for the next start) would wait for ever.
        failure ??= new Error('the processing thread has stopped');
        for (const waiter of waiting.values()) waiter.reject(failure);
        waiting.clear();
      }
    },
  };
}

/**
 * Longer texts are left to the turn to read. This thread answers Facebook, and reading takes time in proportion to the
 * text (about 20 µs for a short message, 0.6 ms for 2,000 characters): a body of a thousand long messages must not hold
 * its answer, and everyone else's, for a second.
 */
export const READ_AHEAD_MAX_LENGTH = 300;

function withTextReading(stored: StoredInboundEvent): StoredInboundEvent {
  const { event } = stored;
  if (event.kind === 'message' && (event.text?.length ?? 0) > READ_AHEAD_MAX_LENGTH) return stored;
  const reading = textReadingOf(event);
  if (!reading) return stored;
  // Not a spread copy: those were much of what the collector promoted (docs/benchmarks.md).
  return { id: stored.id, event, attempts: stored.attempts, received_at: stored.received_at, reading };
}
