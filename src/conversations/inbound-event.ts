/**
 * A channel event after normalisation: what the domain sees of a webhook event.
 * Channel adapters (messenger/webhook) produce these; the conversation service consumes them.
 */

export interface InboundAttachment {
  type: 'image' | 'video' | 'audio' | 'file' | 'sticker' | 'location' | 'fallback' | 'template' | 'other';
  url?: string;
  title?: string;
  sticker_id?: string;
  coordinates?: { lat: number; long: number };
  /** The channel's own payload, kept for display and inspection. */
  payload?: unknown;
  /** For `other`: the type the channel gave (`reel`, `ig_post`, `appointment_booking`…), when it gave one. */
  channel_type?: string;
}

export interface Referral {
  ref?: string;
  source?: string;
  type?: string;
  ad_id?: string;
  /** The channel's other fields (an ad's `ads_context_data`, the chat plugin's `referer_uri`…), as they came. */
  [field: string]: unknown;
}

/** Messenger lets a person edit a message they sent five times at most (within 15 minutes). */
export const MAX_EDITS = 5;

/** An edit's deduplication key: each edit of a message (`num_edit` counts them) is an event of its own. */
export const editKey = (mid: string, numEdit: number) => `e:${mid}:${numEdit}`;

/** What Meta did to the page's messaging (messenger-platform.md §2.10). */
export type PolicyAction = 'warning' | 'block' | 'unblock';

export type InboundEventBody =
  | {
      kind: 'message';
      mid: string;
      text?: string;
      quick_reply_payload?: string;
      attachments: InboundAttachment[];
      reply_to_mid?: string;
      referral?: Referral;
    }
  | {
      kind: 'echo';
      mid: string;
      text?: string;
      attachments: InboundAttachment[];
      app_id?: string;
      metadata?: string;
    }
  | { kind: 'postback'; mid?: string; title?: string; payload?: string; referral?: Referral }
  | { kind: 'referral'; referral: Referral }
  | { kind: 'optin'; optin: Record<string, unknown> }
  | { kind: 'delivery'; mids: string[]; watermark: number }
  | { kind: 'read'; watermark: number }
  | { kind: 'reaction'; mid: string; action: 'react' | 'unreact'; reaction?: string; emoji?: string }
  /** The person changed the text of a message they sent; `num_edit` counts the edits (1 for the first). */
  | { kind: 'edit'; mid: string; text: string; num_edit?: number }
  /** Meta warned the page, stopped it from messaging (`block`, with why), or let it again (`unblock`): page-level. */
  | { kind: 'policy_enforcement'; action: PolicyAction; reason?: string }
  | {
      kind: 'handover';
      action: 'pass_thread_control' | 'take_thread_control' | 'request_thread_control' | 'app_roles';
      detail: Record<string, unknown>;
    }
  /** A kind the gateway does not handle: stored whole for inspection, never answered. */
  | { kind: 'unknown'; keys: string[]; fields: Record<string, unknown> };

export type InboundEvent = InboundEventBody & {
  /** Deduplication key, unique per page: the message id when there is one, else derived from content. */
  key: string;
  page_id: string;
  /**
   * The person (for echoes: the recipient): a PSID, or a chat-plugin guest's id (messenger/person-address.ts). Absent
   * for page-level events.
   */
  user_id?: string;
  /** Epoch milliseconds, as sent by the channel. */
  timestamp: number;
  /** Delivered on the standby channel: another app owns the thread, so never answer. */
  standby: boolean;
};
