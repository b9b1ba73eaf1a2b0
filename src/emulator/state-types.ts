/** Records the emulator keeps in memory. Field names follow Messenger where Messenger has one. */
import type { WebhookField } from './platform-constants.ts';

export interface AppRecord {
  id: string;
  name: string;
  secret: string;
  webhook_url?: string;
  verify_token?: string;
  /** Whether the last GET verification of webhook_url succeeded. */
  webhook_verified: boolean;
  deauthorize_url?: string;
  data_deletion_url?: string;
  /** Empty: any http(s) redirect URI is accepted. */
  oauth_redirect_uris: string[];
  /** App-level subscription (`/{app-id}/subscriptions`, object page). */
  subscribed_fields: WebhookField[];
}

export interface MessengerProfile {
  get_started?: { payload: string };
  greeting?: { locale: string; text: string }[];
  persistent_menu?: unknown[];
  ice_breakers?: unknown[];
  whitelisted_domains?: string[];
  account_linking_url?: string;
  commands?: unknown[];
}

export interface PageRecord {
  id: string;
  name: string;
  /** The page's default app: the thread owner when no handover says otherwise (Conversation Routing). */
  app_id: string;
  picture_url: string;
  /** Page-level subscriptions: app id → fields (`/{page-id}/subscribed_apps`). */
  subscribed: Map<string, WebhookField[]>;
  profile: MessengerProfile;
  /**
   * Meta has blocked the page from messaging (a `policy_enforcement` block, §2.10): every Send API call fails with
   * 368 until it is unblocked. Absent while the page may message.
   */
  messaging_block?: { reason: string; since: number };
}

export interface PersonRecord {
  id: string;
  first_name: string;
  last_name: string;
  locale: string;
  timezone: number;
  profile_pic: string;
  /** page id → PSID */
  psids: Record<string, string>;
  auto_read: boolean;
}

/**
 * A visitor of the page's website chat plugin who did not log in (guest mode, messenger-platform.md §2.11): known to
 * one page by a `user_ref`, never by a PSID. Graph has no profile for them, and sends no echo of what the page sends
 * them by `user_ref` (§2.2).
 */
export interface GuestRecord {
  user_ref: string;
  page_id: string;
  /** What the emulator shows for them; Facebook tells the page no name. */
  name: string;
}

export interface AccountRecord {
  id: string;
  name: string;
  pages: { page_id: string; tasks: string[] }[];
}

export interface TokenRecord {
  token: string;
  kind: 'page' | 'user';
  app_id: string;
  page_id?: string;
  account_id?: string;
  scopes: string[];
  /** Pages granted at the OAuth dialog (user tokens). */
  granted_page_ids: string[];
  issued_at: number;
  /** Epoch ms; 0 = never. */
  expires_at: number;
  long_lived: boolean;
  revoked: boolean;
}

export type ItemStatus = 'sent' | 'delivered' | 'read';

/** One bubble of a conversation as the person sees it (the control API's ThreadItem). */
export interface ThreadItem {
  id: string;
  from: 'person' | 'page';
  timestamp: number;
  app_id?: string;
  tag?: string;
  message?: Record<string, unknown>;
  postback?: { title: string; payload: string };
  referral?: Record<string, unknown>;
  reaction?: { reaction?: string; emoji: string; by: 'person' | 'page' };
  /** How often the person edited this text (`message_edit.num_edit` of the last edit); absent if never. */
  edit_count?: number;
  persona_id?: string;
  status?: ItemStatus;
}

export interface Conversation {
  page_id: string;
  /** The person's address on the page: a PSID, or a guest's user_ref (then `guest` is true). */
  psid: string;
  /** The person's id; a guest's user_ref. */
  person_id: string;
  /** A chat-plugin guest's conversation: events come with `sender.user_ref`, sends go to `recipient.user_ref`. */
  guest: boolean;
  items: ThreadItem[];
  typing: boolean;
  typing_timer?: NodeJS.Timeout;
  /** Emulator-clock time of the person's last message, postback or referral. */
  last_person_at?: number;
  /** null: the page's default app owns the thread. */
  owner_app_id: string | null;
  blocked: boolean;
  /** The person's marketing-messages tokens, by the opt-in's payload: stopping and resuming keep the token. */
  notification_tokens?: Record<string, string>;
}

export interface AttachmentRecord {
  id: string;
  page_id: string;
  type: string;
  url: string;
  created_at: number;
}

export interface StoredFile {
  id: string;
  data: Buffer;
  mime: string;
  filename: string;
}

export interface OAuthCode {
  code: string;
  app_id: string;
  redirect_uri: string;
  account_id: string;
  page_ids: string[];
  scopes: string[];
  expires_at: number;
  used: boolean;
}
