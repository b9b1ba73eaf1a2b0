import type { Conversation, PageRecord } from './state-types.ts';

/**
 * Builders for the `entry[].messaging[]` objects Facebook sends (messenger-platform.md §2).
 * Person events have the PSID as sender, a chat-plugin guest's the user_ref (§2.11); echoes have the page as
 * sender (§2.2).
 */
type Event = Record<string, unknown>;

interface Parties {
  pageId: string;
  /** The person as events name them: `{id: PSID}`, or `{user_ref}` for a guest. */
  person: { id: string } | { user_ref: string };
  timestamp: number;
}

/** The page and the person of a conversation, at `timestamp`. */
export function partiesOf(target: { page: PageRecord; conversation: Conversation }, timestamp: number): Parties {
  const { psid, guest } = target.conversation;
  return { pageId: target.page.id, person: guest ? { user_ref: psid } : { id: psid }, timestamp };
}

export function fromPerson({ pageId, person, timestamp }: Parties, body: Event): Event {
  return { sender: person, recipient: { id: pageId }, timestamp, ...body };
}

export function fromPage({ pageId, person, timestamp }: Parties, body: Event): Event {
  return { sender: { id: pageId }, recipient: person, timestamp, ...body };
}

/** The echo of a page message (§2.2): `app_id` is a number, `metadata` only if set. */
export function echoEvent(parties: Parties, echo: { mid: string; appId: string; message: Event }): Event {
  const { text, attachment, metadata, sticker_id } = echo.message;
  const message: Event = { is_echo: true, app_id: Number(echo.appId) };
  if (typeof metadata === 'string') message.metadata = metadata;
  message.mid = echo.mid;
  if (typeof text === 'string') message.text = text;
  if (attachment && typeof attachment === 'object') message.attachments = [echoAttachment(attachment as Event)];
  if (sticker_id !== undefined) message.sticker_id = Number(sticker_id);
  return fromPage(parties, { message });
}

function echoAttachment(attachment: Event): Event {
  const payload = (attachment.payload ?? {}) as Event;
  if (attachment.type === 'template') return { type: 'template', payload };
  return { type: attachment.type, payload: { url: payload.url } };
}

export function deliveryEvent(parties: Parties, mids: string[], watermark: number): Event {
  return fromPerson(parties, { delivery: { mids, watermark } });
}

export function readEvent(parties: Parties, watermark: number): Event {
  return fromPerson(parties, { read: { watermark } });
}
