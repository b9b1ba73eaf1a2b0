/**
 * The database tables. Timestamps are epoch milliseconds set by our code; ids are time-ordered strings from
 * `newId()`, so rows sort in creation order and one migration serves SQLite and PostgreSQL.
 * JSON columns are text: both databases store it the same way.
 */
export interface Database {
  apps: AppsTable;
  pages: PagesTable;
  contacts: ContactsTable;
  conversations: ConversationsTable;
  sessions: SessionsTable;
  messages: MessagesTable;
  inbound_events: InboundEventsTable;
  webhook_quarantine: WebhookQuarantineTable;
  outbox: OutboxTable;
  attachment_cache: AttachmentCacheTable;
  users: UsersTable;
  sign_in_failures: SignInFailuresTable;
  conversation_reads: ConversationReadsTable;
  data_deletion_requests: DataDeletionRequestsTable;
}

export interface AppsTable {
  id: string;
  /** AES-256-GCM sealed (see secret-box.ts). */
  secret_sealed: string;
  verify_token_sealed: string;
  created_at: number;
  updated_at: number;
}

export interface PagesTable {
  id: string;
  app_id: string;
  name: string | null;
  access_token_sealed: string;
  /** `config` (switchboard.yaml / environment) or `oauth` (connected through Facebook Login). */
  source: string;
  /** JSON AssistantConfig, or null for the bundled sample. */
  assistant: string | null;
  /** JSON partial PageSettings, from the configuration (written again at every start). */
  settings: string;
  /** JSON partial PageSettings changed through the API: they win over `settings`, and survive restarts. */
  settings_changes: string | null;
  /** JSON ProfileConfig (greeting, Get Started, menu, ice breakers), or null to leave the page's profile alone. */
  messenger_profile: string | null;
  /** JSON list of the profile fields the gateway set on the page: the ones it deletes once no longer configured. */
  messenger_profile_synced: string | null;
  /** A fingerprint of the profile last made to match the configuration (`messenger_profile_checked_at`, epoch ms). */
  messenger_profile_checked: string | null;
  messenger_profile_checked_at: number | null;
  /** JSON UpkeepStatus of the last try to subscribe the app to the page's webhooks, or null before the first. */
  subscription_status: string | null;
  /** JSON UpkeepStatus of the last Messenger profile sync, or null before the first or with no profile configured. */
  profile_sync_status: string | null;
  /** `ok`, or the failure kind of the last permanent Graph error (e.g. `token`). */
  health: string;
  health_detail: string | null;
  health_at: number | null;
  /** Meta's last warning about the page's messaging (its reason, may be empty), and when; null once it blocks or unblocks. */
  policy_warning: string | null;
  policy_warning_at: number | null;
  /** Connected with Facebook Login: the app-scoped id of the user whose login gave the token, and when. */
  connected_by: string | null;
  connected_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ContactsTable {
  id: string;
  page_id: string;
  /** The channel's id for the person on this page (Messenger: the PSID). */
  external_id: string;
  first_name: string | null;
  last_name: string | null;
  profile_pic: string | null;
  locale: string | null;
  timezone: number | null;
  /** `pending`, `fetched` or `unavailable`. */
  profile_status: string;
  created_at: number;
  updated_at: number;
}

export interface ConversationsTable {
  id: string;
  page_id: string;
  contact_id: string;
  /** Who answers: `bot`, `human` (an agent owns it) or `paused` (a human replied from outside; see paused_until). */
  routing: string;
  paused_until: number | null;
  /**
   * Since when another app of the page (the Page Inbox) holds the person's thread; null while ours does. Set, the
   * conversation is paused until the thread comes back, whatever `routing` and `paused_until` say (but `human`).
   */
  thread_elsewhere_since: number | null;
  flagged: number;
  flag_reason: string | null;
  /** The person's last message or postback: the 24-hour window runs from here. */
  last_inbound_at: number | null;
  /**
   * When Graph said the person cannot be messaged (551, 100/2018001); cleared when they write again. Nothing is sent
   * to them meanwhile.
   */
  unreachable_at: number | null;
  /** The inbox user it is assigned to (users.id), or null. */
  assignee_id: string | null;
  last_message_at: number;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  conversation_id: string;
  /** JSON assistant context. */
  context: string;
  started_at: number;
  last_activity_at: number;
  /** Per-session flags (away message sent, fallback count...), JSON. */
  state: string;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  /** `in` (from the person) or `out` (from the page). */
  direction: string;
  /** `contact`, `bot`, `agent`, `system` (a proactive update through the API), or `external` (a human or another app, seen through echoes). */
  author: string;
  /** The channel's message id, once known. */
  external_id: string | null;
  /** Short text for lists and search. */
  text: string | null;
  /** JSON: the message as received or as sent (attachments, quick reply, postback, template). */
  content: string;
  /** in: `received`, `throttled`; out: `pending`, `sent`, `delivered`, `read`, `failed`, `blocked`, `cancelled`. */
  status: string;
  error: string | null;
  /**
   * out: when it left: Facebook's stamp once its echo came (receipts' watermarks are on Facebook's clock), when Graph
   * was asked to send it until then.
   */
  sent_at: number | null;
  /** An agent's reply: the `Idempotency-Key` it was sent with, unique in the conversation. */
  client_key: string | null;
  /** An agent's reply: the inbox user who sent it (users.id). */
  sender_id: string | null;
  /** The person's reaction to the message (its emoji, else Messenger's name for it); null when none or taken back. */
  reaction: string | null;
  /** When the person last changed the message's text (the content keeps the earlier texts); null when never. */
  edited_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface InboundEventsTable {
  id: string;
  /** `<page id>:<mid or derived key>`; the unique index drops redeliveries. */
  event_key: string;
  page_id: string;
  user_id: string | null;
  kind: string;
  /** JSON InboundEvent. */
  body: string;
  /** `pending`, `done`, `ignored`, `throttled`, `dead`. */
  status: string;
  attempts: number;
  error: string | null;
  received_at: number;
  processed_at: number | null;
}

export interface WebhookQuarantineTable {
  id: string;
  received_at: number;
  reason: string;
  body: string;
}

export interface OutboxTable {
  id: string;
  conversation_id: string;
  page_id: string;
  /** The person's id on the channel (Messenger: PSID). */
  recipient_id: string;
  /** The message row this send delivers; null for sender actions. */
  message_id: string | null;
  /** `message`, `typing_on`, `typing_off`, `mark_seen`. */
  kind: string;
  /** JSON channel message for `message` rows; `{}` for sender actions. */
  request: string;
  /** A message tag asked for by the sender (proactive updates); the window policy decides the one used. */
  tag: string | null;
  /** Wait this long after the previous row of the conversation before sending (pacing). */
  delay_ms: number;
  /** `pending`, `sent`, `failed` (permanent error), `blocked` (policy), `dead` (retries exhausted), `cancelled` (a take-over). */
  status: string;
  attempts: number;
  next_attempt_at: number;
  external_id: string | null;
  error_code: number | null;
  error_subcode: number | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
}

export interface AttachmentCacheTable {
  page_id: string;
  /** The SHA-256 of the media URL, in hex (`urlDigest`): a URL may be too long for an index. */
  url_sha256: string;
  attachment_id: string;
  created_at: number;
}

export interface SignInFailuresTable {
  key: string;
  at: number;
}

/** How far an inbox user has read a conversation: the id of the newest message they saw (ids sort by time). */
export interface ConversationReadsTable {
  user_id: string;
  conversation_id: string;
  read_up_to: string;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  /** scrypt, see server/passwords.ts. */
  password_hash: string;
  /** `admin` or `agent`. */
  role: string;
  /** JSON: the addresses the user signed in from lately, each with its last time (see server/auth.ts). */
  sign_in_addresses: string | null;
  /** Where the user's unread counts begin in a conversation they never opened (epoch ms; null: when they joined). */
  unread_from: number | null;
  created_at: number;
  updated_at: number;
}

/** A data deletion request Facebook sent (messenger-platform.md §8.7): its code, for the status address; no user id. */
export interface DataDeletionRequestsTable {
  confirmation_code: string;
  pages_removed: number;
  requested_at: number;
}
