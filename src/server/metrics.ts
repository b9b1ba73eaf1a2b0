import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ThreadHealth } from '../processing/processing.ts';
import { withinMs } from './within-ms.ts';

/** How many pending events the queue depth counts at most: a backlog past it reads as this many. */
export const QUEUE_DEPTH_LIMIT = 100_000;

/** Prometheus metrics of one Switchboard process, served at GET /metrics. */

export function createMetrics(
  gauges: { queueDepth: () => number | Promise<number>; sendingConversations: () => number },
  /** How long a scrape waits for the database's count (tests shorten it). */
  queueDepthTimeoutMs = 2_000,
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  const metrics = {
    registry,
    eventsReceived: new Counter({
      name: 'switchboard_events_received_total',
      help: 'Webhook events stored, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'switchboard_events_duplicate_total',
      help: 'Redelivered webhook events dropped',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'switchboard_webhook_rejected_total',
      help: 'Webhook requests or events refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    eventsProcessed: new Counter({
      name: 'switchboard_events_processed_total',
      help: 'Inbound events handled, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    sends: new Counter({
      name: 'switchboard_sends_total',
      help: 'Send API calls, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: 'switchboard_webhook_ack_seconds',
      help: 'From webhook request to 200 (events durable)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    processSeconds: new Histogram({
      name: 'switchboard_event_processing_seconds',
      help: 'Time to handle one inbound event (assistant included)',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    sendSeconds: new Histogram({
      name: 'switchboard_send_seconds',
      help: 'Send API call latency',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
  };
  let queueDepth = 0;
  new Gauge({
    name: 'switchboard_queue_depth',
    help: `Inbound events stored and not yet handled (at most ${QUEUE_DEPTH_LIMIT} counted)`,
    registers: [registry],
    async collect() {
      // A database that fails or hangs leaves the last figure, rather than failing (or holding) the whole scrape when
      // the figures matter.
      queueDepth = await withinMs(queueDepthTimeoutMs, async () => gauges.queueDepth()).catch(() => queueDepth);
      this.set(queueDepth);
    },
  });
  new Gauge({
    name: 'switchboard_sending_conversations',
    help: 'Conversations with messages being sent',
    registers: [registry],
    collect() {
      this.set(gauges.sendingConversations());
    },
  });
  const threadHeapUsed = new Gauge({
    name: 'switchboard_processing_thread_heap_used_bytes',
    help: 'Heap used by the processing thread (SQLite; one thread has switchboard_nodejs_heap_size_used_bytes)',
    registers: [registry],
  });
  const threadHeapLimit = new Gauge({
    name: 'switchboard_processing_thread_heap_limit_bytes',
    help: 'Heap the processing thread may use: past it, the thread and the gateway stop',
    registers: [registry],
  });
  const threadLoopDelay = new Gauge({
    name: 'switchboard_processing_thread_eventloop_delay_p99_seconds',
    help: 'How late the processing thread ran its event loop, p99 over the last second',
    registers: [registry],
  });
  return {
    ...metrics,
    threadHealth(health: ThreadHealth) {
      threadHeapUsed.set(health.heapUsedBytes);
      threadHeapLimit.set(health.heapLimitBytes);
      threadLoopDelay.set(health.eventLoopDelayP99Ms / 1000);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
