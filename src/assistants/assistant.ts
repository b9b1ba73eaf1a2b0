import type { GenericResponse } from './responses.ts';

/** JSON-serialisable values an assistant keeps between turns (the session context). */
export type Context = Record<string, unknown>;

export interface AttachmentInput {
  type: 'image' | 'video' | 'audio' | 'file' | 'sticker' | 'location' | 'fallback' | 'other';
  url?: string;
}

/**
 * What the person did, in channel-neutral terms.
 * - `text`: typed text.
 * - `choice`: tapped an option or a postback button; `value` is its value, `text` its label.
 * - `welcome`: opened the conversation (Messenger's Get Started), a new session starts.
 * - `attachment`: sent media or a sticker, maybe with text.
 */
export type AssistantInput =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; value: string; text?: string }
  | { kind: 'welcome'; value?: string; referral?: string }
  | { kind: 'attachment'; attachments: AttachmentInput[]; text?: string };

export interface ContactProfile {
  first_name?: string;
  last_name?: string;
  locale?: string;
  timezone?: number;
}

export interface HistoryItem {
  role: 'contact' | 'assistant' | 'agent';
  text: string;
  at: number;
}

export interface AssistantTurn {
  /** The turn's id: the stored event it answers, the same when that event is tried again. */
  id?: string;
  conversation: { id: string; page_id: string };
  contact: { id: string; profile: ContactProfile };
  page: { id: string; name?: string };
  input: AssistantInput;
  /** Session context: empty at the start of a session (after the inactivity timeout). */
  context: Context;
  /** True when this turn starts a new session. */
  new_session: boolean;
  /** Recent messages of the conversation, oldest first (for model assistants). */
  history: HistoryItem[];
  /** The stored message the person's message replies to (they quoted it in Messenger), when there is one. */
  replying_to?: HistoryItem;
  /** Aborted when the turn must end (timeout or shutdown). */
  signal?: AbortSignal;
}

/** What an assistant's log lines about a turn name, so that an operator finds the conversation. */
export const turnScope = (turn: AssistantTurn) => ({ pageId: turn.page.id, conversationId: turn.conversation.id });

export interface AssistantReply {
  responses: GenericResponse[];
  /** The context to keep for the next turn; omitted means unchanged. */
  context?: Context;
  /** Set when the assistant could not answer properly (external failure); the conversation is flagged. */
  failure?: { reason: string };
  /** True when the assistant did not understand (its fallback ran): misses in a row escalate to a person. */
  fallback?: boolean;
}

/** An assistant answers one turn. Implementations: flow (YAML), http (external bot), llm (model). */
export interface Assistant {
  readonly kind: 'flow' | 'http' | 'llm';
  /** Inactivity after which the context resets; default: the page's `session_timeout_minutes`. */
  readonly sessionTimeoutMinutes?: number;
  /** Messages of the session it reads as `history` (a model's `max_history`); none when unset. */
  readonly historyLength?: number;
  reply(turn: AssistantTurn): Promise<AssistantReply>;
}
