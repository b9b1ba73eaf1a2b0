import type { ContactProfile, Context, HistoryItem } from '../assistants/assistant.ts';
import type { GenericResponse } from '../assistants/responses.ts';
import type { PageSettings } from '../config/page-settings.ts';
import type { InboundEvent } from './inbound-event.ts';

/** The clock, injected so windows, timeouts and retries are testable without sleeping. */
export interface Clock {
  now(): number;
}

export type Routing = 'bot' | 'human' | 'paused';

export interface Contact {
  id: string;
  page_id: string;
  external_id: string;
  profile: ContactProfile;
  profile_status: 'pending' | 'fetched' | 'unavailable';
}

/**
 * Who answers the conversation at `now`. People who took it over keep it. Else, while another app holds the person's
 * thread (the Page Inbox), it is paused until the thread comes back, however long that is. A pause for a reply typed in
 * Facebook's Page Inbox that has run out is the bot's again, though `routing` stays `paused` until the person's next
 * message. (inbox-queries.ts says it in SQL.)
 */
export function currentRouting(
  c: { routing: string; paused_until: number | null; thread_elsewhere_since: number | null },
  now: number,
): string {
  if (c.routing === 'human') return 'human';
  if (c.thread_elsewhere_since !== null) return 'paused';
  return c.routing === 'paused' && (c.paused_until ?? 0) <= now ? 'bot' : c.routing;
}

export interface Conversation {
  id: string;
  page_id: string;
  contact_id: string;
  routing: Routing;
  paused_until: number | null;
  /**
   * Since when another app of the page holds the person's thread (messenger-platform.md §7), as the events told; null
   * while the page's own app does. The bot can send nothing then, and waits until the thread comes back.
   */
  thread_elsewhere_since: number | null;
  flagged: boolean;
  flag_reason: string | null;
  last_inbound_at: number | null;
}

export interface Session {
  id: string;
  context: Context;
  /** Flags kept for the session only (away message sent, fallbacks in a row...). */
  state: Record<string, unknown>;
  started_at: number;
  last_activity_at: number;
}

/** A message row as the domain writes it. `content` is channel-shaped JSON kept for display. */
export interface NewMessage {
  direction: 'in' | 'out';
  author: 'contact' | 'bot' | 'agent' | 'system' | 'external';
  external_id?: string;
  text?: string;
  content: unknown;
  status: string;
  /** Recorded as sent already (seen through its echo): when Facebook stamped it. Default: now. */
  sent_at?: number;
  /** An agent's reply: the idempotency key it came with. */
  client_key?: string;
  /** An agent's reply: the inbox user who sent it. */
  sender_id?: string;
}

export interface OpenConversation {
  contact: Contact;
  conversation: Conversation;
  session?: Session;
}

/** What one processed turn changes, written in one transaction together with the event's status. */
export interface TurnResult {
  event_id: string;
  event_status: 'done' | 'ignored' | 'throttled';
  /** The message this event brought, recorded once (by its external id) with the rest of the turn. */
  incoming?: NewMessage;
  /**
   * When the gateway stored the person's event, on its own clock: their writing clears Graph's "cannot be reached",
   * unless Graph said so after the event came.
   */
  received_at?: number;
  conversation?: { id: string; changes: Partial<Omit<Conversation, 'id' | 'page_id' | 'contact_id'>> };
  session?: { conversation_id: string; session: Session };
  /** Steps to send, in order (messages and typing); each message step is also recorded as a message. */
  outgoing?: Outgoing;
}

/** Messages to send to one person, in order. */
export interface Outgoing {
  conversation_id: string;
  page_id: string;
  recipient_id: string;
  /** `system`: a proactive business update sent through the API with a message tag. */
  author: 'bot' | 'agent' | 'system';
  steps: OutgoingStep[];
  /** A message tag asked for by the sender; the window policy decides what is used. */
  tag?: string;
  /** The sender's idempotency key: a second request with the same one in the conversation queues nothing. */
  client_key?: string;
  /** An agent's reply: the inbox user who sent it. */
  sender_id?: string;
}

/** The new text of a person's message, and Messenger's count of its edits (1 for the first) when it gave one. */
export interface MessageEdit {
  text: string;
  num_edit?: number;
}

/** Storage the conversation service needs. Implemented over Kysely in storage/conversation-store.ts. */
export interface ConversationStore {
  /**
   * The person's contact, conversation and session in one read, created on first contact. The session is the
   * stored one, expired or not: the caller decides.
   */
  openConversation(pageId: string, externalId: string, now: number): Promise<OpenConversation>;
  /** The person's profile as Graph gave it, with their picture for the inbox (not for assistants); none: unavailable. */
  saveProfile(
    contactId: string,
    profile: (ContactProfile & { picture?: string }) | undefined,
    now: number,
  ): Promise<void>;
  /** The last `limit` messages with text since `since` (the session's start), oldest first. */
  recentHistory(conversationId: string, limit: number, since: number): Promise<HistoryItem[]>;
  /** The conversation's stored message of this Messenger id, with text: what a person's reply quotes. */
  quotedMessage(conversationId: string, externalId: string): Promise<HistoryItem | undefined>;
  /**
   * Links the echo of a message we sent: false when the echo was not ours (matched by metadata or id), else the
   * conversation whose message it changed, if it changed one. `stampedAt`: the echo's time on Facebook's clock, which
   * receipts' watermarks are compared with.
   */
  linkEcho(
    outboxId: string | undefined,
    externalId: string,
    stampedAt: number,
    now: number,
  ): Promise<false | { changed?: string }>;
  /**
   * Records the person's reaction to the page's message `externalId` (null: taken back); the conversation it is in,
   * undefined when the page has no message of that id (one from before the gateway knew the person).
   */
  markReaction(pageId: string, externalId: string, reaction: string | null, now: number): Promise<string | undefined>;
  /**
   * The person changed the text of their message `externalId` to the page: the new text replaces it, the earlier ones
   * are kept with it. The conversation it is in; undefined when the page has no message of that id, or for an edit
   * applied already or older than the last one applied (`num_edit` counts up; a retried delivery may come after a newer
   * edit, a lost commit's answer runs an event again).
   */
  markEdited(pageId: string, externalId: string, edit: MessageEdit, now: number): Promise<string | undefined>;
  /** The edits of the person's message `mid` stored so far, oldest first. */
  storedEdits(pageId: string, mid: string): Promise<MessageEdit[]>;
  /** Marks our outgoing messages with these ids, or sent before that time, delivered / read; returns how many. */
  markOutgoing(
    conversationId: string,
    status: 'delivered' | 'read',
    upTo: { sentBefore: number; ids: string[] },
    now: number,
  ): Promise<number>;
  /** Resolves once the turn is stored; what it resolves with is the implementation's (the rows it queued). */
  commitTurn(result: TurnResult, now: number): Promise<unknown>;
  /** Queues messages outside a turn (an agent's reply, a proactive update). */
  queueOutgoing(outgoing: Outgoing, now: number): Promise<'queued' | 'repeated'>;
}

export interface PageRuntime {
  id: string;
  app_id: string;
  name?: string;
  settings: PageSettings;
  /** The postback payload that opens a conversation (Messenger's Get Started): the assistant's welcome. */
  welcome_payload: string;
}

/**
 * What the channel answered for a person's profile. `none`: it has none to give, and asking again would not change
 * that (their privacy settings, an id of another page). `unknown`: it could not answer now (a timeout, a 5xx, a rate
 * limit, the page's token refused): the person's next message asks again.
 */
export type ProfileLookup =
  | { status: 'found'; profile: ContactProfile; picture?: string }
  | { status: 'none' }
  | { status: 'unknown' };

/** Fetches a person's profile from the channel. */
export interface ProfileProvider {
  fetchProfile(pageId: string, externalId: string): Promise<ProfileLookup>;
}

/**
 * What the channel answered when asked to pass a person's thread: `retry` for a failure of the moment (a 5xx, a limit),
 * or a refusal when whether the thread was passed before cannot be told for the moment; `elsewhere` when it refused
 * the pass because a third app (neither the page's nor the one asked for) holds the thread, `owner`.
 */
export type ThreadPass =
  | { status: 'passed' }
  | { status: 'retry' | 'failed'; error: string }
  | { status: 'elsewhere'; owner: string; error: string };

/** Hands a person's thread to another app of the page (Messenger: the handover protocol, messenger-platform.md §7). */
export interface ThreadControl {
  /**
   * Passes the thread to app `appId`, with `note` for it saying why. `passed` too when the channel refuses the pass and
   * `appId` has the thread already: passed by this same request before a crash lost its commit, the event handled
   * again; `elsewhere` when a third app has it. Never throws for channel failures.
   */
  passThread(input: { pageId: string; personId: string; appId: string; note: string }): Promise<ThreadPass>;
  /** What the team calls an app that asks for a thread: "the Page Inbox", else "app <id>". */
  appName(appId: string): string;
}

/**
 * A rendered step, channel-neutral for the domain: `message` is the channel's own message object (opaque here),
 * `preview` its text for the inbox. Waits become the delay before the next step.
 */
export type OutgoingStep =
  | { kind: 'message'; message: unknown; preview: string }
  | { kind: 'typing'; on: boolean }
  | { kind: 'wait'; ms: number }
  /** The person's messages are marked seen. */
  | { kind: 'seen' };

/** Turns generic responses into the channel's messages with the page's pacing. */
export interface ResponseRenderer {
  /** `conversationId`: whose turn it is, for what is reported of it. */
  render(responses: GenericResponse[], page: PageRuntime, conversationId: string): OutgoingStep[];
}

export type { InboundEvent };
