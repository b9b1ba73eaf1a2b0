/** A send as the outbox hands it to the channel. */
export interface OutboxSend {
  outbox_id: string;
  page_id: string;
  conversation_id: string;
  recipient_id: string;
  kind: 'message' | 'typing_on' | 'typing_off' | 'mark_seen';
  /** The channel's message object (for `message`). */
  message?: unknown;
  /** Decided by the window policy just before sending. */
  messaging_type: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  tag?: string;
  /**
   * A person of the team's message: if another app has the person's thread, the channel takes it for them.
   * `elsewhere_since`: since when another app held it as the send was decided (null: none as far as the gateway knew).
   */
  takes_thread?: { elsewhere_since: number | null };
}

/** The channel's usage of its rate limits, in percent, when it reports it (Messenger: usage headers). */
export interface ChannelUsage {
  app?: number;
  page?: number;
  business?: number;
  regain_access_ms?: number;
}

export interface SendError {
  code?: number;
  subcode?: number;
  message: string;
}

/**
 * The outcome of one send. `blocked` is a policy refusal (ours or the channel's window rules): shown with its reason,
 * never retried. `failed` is a permanent channel error.
 */
export type SendResult = (
  | { status: 'sent'; external_id?: string }
  | {
      status: 'retry';
      error: SendError;
      after_ms?: number;
      rate_limited?: boolean;
      /** The limit is the app's (Graph's code 4), shared by every page it serves. */
      app_wide?: boolean;
    }
  | { status: 'blocked'; error: SendError }
  | {
      status: 'failed';
      error: SendError;
      /** The person cannot be messaged (blocked the page, left the channel, unknown id): stop until they write. */
      unreachable?: boolean;
    }
) & { usage?: ChannelUsage };

/** Sends outbox rows to a channel (Messenger: the Graph Send API). Never throws for channel failures. */
export interface ChannelSender {
  send(send: OutboxSend): Promise<SendResult>;
  /**
   * Whether the channel echoes what is sent to this person, which is what settles a send in doubt (docs/adr/0003).
   * Default true; a Messenger chat-plugin guest gets no echo, so waiting for one only delays the send.
   */
  echoes?(recipientId: string): boolean;
}
