import { itemView } from './edit-rules.ts';
import { STANDARD_WINDOW_MS } from './platform-constants.ts';
import type { EmulatorState } from './state.ts';
import type { Conversation, ItemStatus, PageRecord, ThreadItem } from './state-types.ts';

/** What the SSE stream forwards for one conversation. */
export interface ConversationEvent {
  page_id: string;
  psid: string;
  type: 'item' | 'status' | 'typing' | 'window';
  data: unknown;
}

/**
 * The 24-hour window as the chat page shows it, on the emulator's clock (epoch ms): `open_until` is its last
 * instant (null before the person first writes), `now` the time it was measured at, so the page can time its close.
 */
export interface WindowState {
  open: boolean;
  open_until: number | null;
  now: number;
}

/** How a Graph call names a person (`recipient`): by PSID, or a chat-plugin guest by user_ref (§3.1). */
export type RecipientAddress = { id: string } | { user_ref: string };

/** The conversation of a PSID on a page, created on first use; undefined if the PSID is not the page's. */
export function findConversation(state: EmulatorState, pageId: string, psid: string): Conversation | undefined {
  const owner = state.psids.get(psid);
  if (!owner || owner.page_id !== pageId) return undefined;
  return conversationOf(state, { page_id: pageId, psid, person_id: owner.person_id, guest: false });
}

/** The conversation of a chat-plugin guest on a page, created on first use; undefined if no such guest of the page. */
export function findGuestConversation(state: EmulatorState, pageId: string, userRef: string): Conversation | undefined {
  const guest = state.guests.get(userRef);
  if (!guest || guest.page_id !== pageId) return undefined;
  return conversationOf(state, { page_id: pageId, psid: userRef, person_id: userRef, guest: true });
}

/** The conversation a Graph `recipient` names: a PSID only by `id`, a guest only by `user_ref`. */
export function findRecipientConversation(
  state: EmulatorState,
  pageId: string,
  recipient: RecipientAddress,
): Conversation | undefined {
  return 'id' in recipient
    ? findConversation(state, pageId, recipient.id)
    : findGuestConversation(state, pageId, recipient.user_ref);
}

/** For the control API, where the person's address is a path segment: a PSID or a guest's user_ref. */
export function findThread(state: EmulatorState, pageId: string, address: string): Conversation | undefined {
  return findConversation(state, pageId, address) ?? findGuestConversation(state, pageId, address);
}

function conversationOf(
  state: EmulatorState,
  who: Pick<Conversation, 'page_id' | 'psid' | 'person_id' | 'guest'>,
): Conversation {
  const key = `${who.page_id}:${who.psid}`;
  let conversation = state.conversations.get(key);
  if (!conversation) {
    conversation = { ...who, items: [], typing: false, owner_app_id: null, blocked: false };
    state.conversations.set(key, conversation);
  }
  return conversation;
}

function emit(state: EmulatorState, conversation: Conversation, type: ConversationEvent['type'], data: unknown): void {
  const event: ConversationEvent = { page_id: conversation.page_id, psid: conversation.psid, type, data };
  state.bus.emit('conversation', event);
}

export function appendItem(state: EmulatorState, conversation: Conversation, item: ThreadItem): void {
  conversation.items.push(item);
  emit(state, conversation, 'item', itemView(item));
}

/** Announces a changed item (a reaction, an edit); the chat page replaces the bubble with the same id. */
export function itemChanged(state: EmulatorState, conversation: Conversation, item: ThreadItem): void {
  emit(state, conversation, 'item', itemView(item));
}

export function setStatus(
  state: EmulatorState,
  conversation: Conversation,
  items: ThreadItem[],
  status: ItemStatus,
): void {
  for (const item of items) {
    item.status = status;
    emit(state, conversation, 'status', { id: item.id, status });
  }
}

/** Typing on/off; "on" switches itself off after `timeoutMs` (messenger-platform.md §3.3). */
export function setTyping(state: EmulatorState, conversation: Conversation, on: boolean, timeoutMs: number): void {
  clearTimeout(conversation.typing_timer);
  conversation.typing_timer = undefined;
  if (on) {
    conversation.typing_timer = setTimeout(() => setTyping(state, conversation, false, timeoutMs), timeoutMs);
    conversation.typing_timer.unref();
  }
  if (conversation.typing === on) return;
  conversation.typing = on;
  emit(state, conversation, 'typing', { on });
}

/** The app that owns the thread: a handover owner, else the page's default app (Conversation Routing). */
export function threadOwner(conversation: Conversation, page: PageRecord): string {
  return conversation.owner_app_id ?? page.app_id;
}

/** Whether the person's last message, postback or referral is within `windowMs` of `now`. */
export function withinWindow(conversation: Conversation, now: number, windowMs: number): boolean {
  return conversation.last_person_at !== undefined && now - conversation.last_person_at <= windowMs;
}

export function windowState(conversation: Conversation, now: number): WindowState {
  const last = conversation.last_person_at;
  return {
    open: withinWindow(conversation, now, STANDARD_WINDOW_MS),
    open_until: last === undefined ? null : last + STANDARD_WINDOW_MS,
    now,
  };
}

/** The person's message, postback or referral at `at` (re)opens the window; the stream tells the chat page its end. */
export function openWindow(state: EmulatorState, conversation: Conversation, at: number): void {
  conversation.last_person_at = at;
  emit(state, conversation, 'window', windowState(conversation, at));
}

export function findItem(conversation: Conversation, mid: string): ThreadItem | undefined {
  return conversation.items.find((item) => item.id === mid);
}
