/** Types of conversation.js, for the unit tests (the browser loads the .js as it is). */
type Answer<T> = Promise<{ ok: true; value: T } | { ok: false; error: string }>;

export interface ConversationSnapshot {
  items: { id: string; timestamp: number | string; [key: string]: unknown }[];
  typing: boolean;
  windowOpen: boolean;
  profile: Record<string, unknown>;
  pageBlock: { reason?: string; since?: number } | null;
  loaded: boolean;
  now(): number;
}

export interface ConversationApi {
  getConversation(pageId: string, psid: string): Answer<Record<string, unknown>>;
  getProfile(pageId: string): Answer<Record<string, unknown>>;
  /** Opens the conversation's stream with a handler per event; returns what closes it. */
  openStream(pageId: string, psid: string, handlers: Record<string, (data?: never) => void>): () => void;
}

export function openConversation(options: {
  api: ConversationApi;
  pageId: string;
  psid: string;
  onChange: (snapshot: ConversationSnapshot) => void;
  onError: (message: string) => void;
  /** At each (re)connect and each reset: a new generation means the emulator went back to its seed or restarted. */
  onGeneration: (generation: string) => void;
}): { snapshot(): ConversationSnapshot; close(): void };
