import type { Config } from '../config/load-config.ts';
import type { DirectorySnapshot } from '../server/page-directory.ts';
import type { StoredInboundEvent } from '../storage/inbound-event-repository.ts';
import type { ProcessedOutcome, ProcessingTuning, SendOutcome, ThreadHealth } from './processing.ts';

/** What the processing thread starts with. */
export interface ThreadStart {
  config: Config;
  env: Record<string, string | undefined>;
  tuning?: ProcessingTuning;
  directory: DirectorySnapshot;
  writeLock: SharedArrayBuffer;
}

export type CallName = 'resume' | 'idle' | 'stop';

export type ToThread =
  | { type: 'enqueue'; events: StoredInboundEvent[] }
  | { type: 'wake'; conversationId: string }
  | { type: 'conversationChanged'; conversationId: string }
  | { type: 'pages'; directory: DirectorySnapshot }
  | { type: 'call'; id: number; name: CallName };

export type FromThread =
  | { type: 'ready' }
  | { type: 'reply'; id: number; value?: unknown; error?: string }
  /** Sent every STATS_MS while anything changed: the gauges, and what was handled since the last one. */
  | {
      type: 'stats';
      depth: number;
      activeConversations: number;
      processed: [ProcessedOutcome, number][];
      sent: [SendOutcome, number | undefined][];
      /** The conversations changed since the last one. */
      changed: string[];
      /** Every HEALTH_MS, whether anything changed or not. */
      health?: ThreadHealth;
    };

export const STATS_MS = 100;
export const HEALTH_MS = 1_000;
