import type { MetricSources } from '../../src/server/metrics.ts';

/** Metric sources with nothing to count; a test replaces the one it reads. */
export const idleMetricSources: MetricSources = {
  queueDepth: () => 0,
  sendingConversations: () => 0,
  deadLetters: async () => ({ sends: 0, events: 0 }),
  pageHealth: async () => [],
};
