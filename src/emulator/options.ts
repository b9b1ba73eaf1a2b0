import type { Logger } from 'pino';
import type { EmulatorSeed } from './seed.ts';
import type { WebhookRetryOptions } from './webhook-dispatcher.ts';

export type PolicyEnforcementKey = 'policy-enforcement' | 'policy_enforcement';

/** How `buildEmulator` is configured. Every field is optional. */
export interface EmulatorOptions {
  /** Apps, pages, people and accounts to start with (and to return to on reset). Default: empty. */
  seed?: EmulatorSeed;
  /** A pino logger, or false (the default) for none. */
  logger?: Logger | false;
  /**
   * Webhook retries. Defaults like Facebook's: a 20 s timeout per attempt and exponential back-off
   * (5 s doubling, 8 attempts). Tests pass small values.
   */
  webhookRetry?: Partial<WebhookRetryOptions>;
  /** Send `\uXXXX`-escaped JSON and sign those bytes, as Facebook does. Default true. */
  escapeUnicode?: boolean;
  /**
   * 0 (default): one event per POST. > 0: wait this long and put the events queued for one app
   * into one body with several entries, as Facebook does under load.
   */
  batchWindowMs?: number;
  /** Send a delivery webhook right after each echo. Default true. */
  autoDeliver?: boolean;
  /**
   * Verify seeded webhook URLs at start-up (GET with hub.challenge). Default true. A failure is
   * logged and the URL kept, so a gateway that starts after the emulator still gets events.
   */
  verifyWebhooksOnStart?: boolean;
  /**
   * How a person's sticker arrives: `legacy` (an image attachment with sticker_id plus
   * message.sticker_id), `sticker` (the 2026 attachment type) or `both` (the legacy form with the
   * new attachment added, as during the 2026 transition). Default `legacy`.
   */
  stickerFormat?: 'legacy' | 'sticker' | 'both';
  /**
   * The key of a policy enforcement event (field `messaging_policy_enforcement`): `policy-enforcement`, as
   * messenger-platform.md §2.10 and older SDKs have it (the default), or `policy_enforcement`, as Meta's current
   * reference shows it (§12.15: which one live webhooks use is unconfirmed).
   */
  policyEnforcementKey?: PolicyEnforcementKey;
  /**
   * Quick-reply titles over 20 characters: Facebook truncates them silently (messenger-platform.md
   * §3.4), and so does the emulator by default. Set true to reject them with error 100 instead.
   */
  rejectLongQuickReplyTitles?: boolean;
  /** The typing indicator switches off by itself after this long. Default 20 s (§3.3). */
  typingTimeoutMs?: number;
  /**
   * Base URL used in file, avatar and sticker URLs. Default: the origin of the request. The control API answers at its
   * host too, besides localhost, loopback addresses and the specific address it listens at (see `control-host.ts`).
   */
  publicUrl?: string;
  /** Folder of the chat page. Default: `src/emulator/web` beside this module. */
  webDir?: string;
}

export interface ResolvedOptions {
  escapeUnicode: boolean;
  batchWindowMs: number;
  autoDeliver: boolean;
  verifyWebhooksOnStart: boolean;
  stickerFormat: 'legacy' | 'sticker' | 'both';
  policyEnforcementKey: PolicyEnforcementKey;
  rejectLongQuickReplyTitles: boolean;
  typingTimeoutMs: number;
  retry: WebhookRetryOptions;
  publicUrl?: string;
  webDir: string;
}
