import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ThreadHealth } from '../processing/processing.ts';
import { withinMs } from './within-ms.ts';

/** How many pending events the queue depth counts at most: a backlog past it reads as this many. */
export const QUEUE_DEPTH_LIMIT = 100_000;

/** What the gauges read at each scrape. */
export interface MetricSources {
  /** Inbound events stored and not yet handled (the database's count). */
  queueDepth: () => number | Promise<number>;
  sendingConversations: () => number;
  /** Sends and inbound events whose retries ran out (the database's counts). */
  deadLetters: () => Promise<{ sends: number; events: number }>;
  /** Each page's health as stored: `ok`, or what needs attention (`token`, `permission`, `blocked`). */
  pageHealth: () => Promise<{ id: string; health: string }[]>;
}

/** Prometheus metrics of one Switchboard process, served at GET /metrics. */
export function createMetrics(
  gauges: MetricSources,
  /** How long a scrape waits for each of the database's reads (tests shorten it). */
  readTimeoutMs = 2_000,
) {
  /**
   * A figure read from the database at each scrape. A read that fails or hangs leaves the last figure, rather than
   * failing (or holding) the whole scrape when the figures matter.
   */
  const lastKnown = <T>(read: () => T | Promise<T>, initial: T) => {
    let last = initial;
    return async () => {
      last = await withinMs(readTimeoutMs, async () => read()).catch(() => last);
      return last;
    };
  };
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
  const queueDepth = lastKnown(gauges.queueDepth, 0);
  new Gauge({
    name: 'switchboard_queue_depth',
    help: `Inbound events stored and not yet handled (at most ${QUEUE_DEPTH_LIMIT} counted)`,
    registers: [registry],
    async collect() {
      this.set(await queueDepth());
    },
  });
  const deadLetters = lastKnown(gauges.deadLetters, { sends: 0, events: 0 });
  new Gauge({
    name: 'switchboard_dead_letters',
    help: `Work whose retries ran out, kept for a replay, by kind: send or event (at most ${QUEUE_DEPTH_LIMIT} counted)`,
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const { sends, events } = await deadLetters();
      this.set({ kind: 'send' }, sends);
      this.set({ kind: 'event' }, events);
    },
  });
  const pageHealth = lastKnown(gauges.pageHealth, []);
  new Gauge({
    name: 'switchboard_page_health',
    help: "Each page's health: 1 for the one it has (ok, or token, permission or blocked: needs attention)",
    labelNames: ['page_id', 'health'],
    registers: [registry],
    async collect() {
      const pages = await pageHealth();
      // A page removed, or whose health changed, leaves no series behind.
      this.reset();
      for (const { id, health } of pages) this.set({ page_id: id, health }, 1);
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
