import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { systemTimers } from '../queue/row-waits.ts';
import { createLogger } from '../server/logger.ts';
import { createDirectoryMirror } from '../server/page-directory.ts';
import { openDatabase } from '../storage/database.ts';
import { createWriteLock, PROCESSING_THREAD } from '../storage/write-lock.ts';
import { createProcessing, type ProcessedOutcome, type SendOutcome, type ThreadHealth } from './processing.ts';
import { type FromThread, HEALTH_MS, STATS_MS, type ThreadStart, type ToThread } from './thread-protocol.ts';

/** How often the WAL's pages move to the database file; no commit does it while holding the write lock. */
const CHECKPOINT_MS = 100;

/** The processing thread (see docs/adr/0004-webhook-thread.md): started by thread-client.ts. */
const start = workerData as ThreadStart;
const port = parentPort;
if (!port) throw new Error('processing-thread.ts runs as a worker thread');
const post = (message: FromThread) => port.postMessage(message);

const logger = createLogger(start.config.logLevel).child({ thread: 'processing' });

const handle = openDatabase(start.config.databaseUrl, {
  writeLock: createWriteLock(start.writeLock, PROCESSING_THREAD),
});
const directory = createDirectoryMirror(start.directory);

let processed: [ProcessedOutcome, number][] = [];
let sent: [SendOutcome, number | undefined][] = [];
let changed = new Set<string>();
const processing = await createProcessing({
  db: handle.db,
  capabilities: handle.capabilities,
  directory,
  graph: start.config.graph,
  logger,
  timers: systemTimers,
  env: start.env,
  tuning: start.tuning,
  observer: {
    processed: (outcome, ms) => processed.push([outcome, ms]),
    sent: (outcome, ms) => sent.push([outcome, ms]),
    changed: (conversationId) => changed.add(conversationId),
  },
});

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let healthDueAt = performance.now() + HEALTH_MS;
/** The thread's heap and event loop: /metrics shows only the main thread's of its own. */
function health(): ThreadHealth {
  const heap = getHeapStatistics();
  const eventLoopDelayP99Ms = loopDelay.percentile(99) / 1e6;
  loopDelay.reset();
  return { heapUsedBytes: heap.used_heap_size, heapLimitBytes: heap.heap_size_limit, eventLoopDelayP99Ms };
}

let reported = { depth: 0, activeConversations: 0 };
function report() {
  const { depth, activeConversations } = processing;
  const moved = depth !== reported.depth || activeConversations !== reported.activeConversations;
  const healthDue = performance.now() >= healthDueAt;
  if (!moved && !healthDue && processed.length === 0 && sent.length === 0 && changed.size === 0) return;
  if (healthDue) healthDueAt = performance.now() + HEALTH_MS;
  post({
    type: 'stats',
    depth,
    activeConversations,
    processed,
    sent,
    changed: [...changed],
    ...(healthDue && { health: health() }),
  });
  reported = { depth, activeConversations };
  processed = [];
  sent = [];
  changed = new Set();
}
const stats = setInterval(report, STATS_MS);
const checkpoints = setInterval(() => {
  try {
    handle.checkpoint();
  } catch (err) {
    logger.warn({ err }, 'WAL checkpoint failed; the next one retries');
  }
}, CHECKPOINT_MS);

const calls = {
  resume: () => processing.resume(),
  idle: () => processing.idle(),
  async stop() {
    clearInterval(stats);
    clearInterval(checkpoints);
    await processing.stop();
    await handle.close();
  },
};

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'enqueue':
      processing.enqueue(message.events);
      break;
    case 'wake':
      processing.wake(message.conversationId);
      break;
    case 'conversationChanged':
      processing.conversationChanged(message.conversationId);
      break;
    case 'pages':
      directory.replace(message.directory);
      processing.pagesChanged();
      break;
    case 'call':
      // The stats go first, so that what a caller reads after the reply (metrics after `idle`) is current.
      calls[message.name]().then(
        (value) => {
          report();
          post({ type: 'reply', id: message.id, value });
        },
        (error: Error) => post({ type: 'reply', id: message.id, error: error.message ?? String(error) }),
      );
      break;
  }
});
post({ type: 'ready' });
