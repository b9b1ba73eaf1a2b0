import { createHash } from 'node:crypto';
import {
  editKey,
  type InboundAttachment,
  type InboundEvent,
  type InboundEventBody,
  type PolicyAction,
  type Referral,
} from '../../conversations/inbound-event.ts';
import { personIdOf } from '../person-address.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
/** Live deliveries send numbers; the dashboard's test samples send numeric strings (messenger-platform.md §1.2). */
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

export type NormalizeResult = { ok: true; event: InboundEvent } | { ok: false; reason: string };

/** One `messaging[]` or `standby[]` object → an InboundEvent. Unknown kinds become `unknown`, never an error. */
export function normalizeMessagingEvent(raw: unknown, pageId: string, standby: boolean): NormalizeResult {
  if (!isObject(raw)) return { ok: false, reason: 'event is not an object' };
  const timestamp = num(raw.timestamp);
  if (timestamp === undefined) return { ok: false, reason: 'event has no numeric timestamp' };
  // A chat-plugin guest comes as `user_ref`, not `id`: its person id says so, for the replies (§2.11).
  const sender = personIdOf(raw.sender);
  const recipient = personIdOf(raw.recipient);
  const message = isObject(raw.message) ? raw.message : undefined;
  // Facebook flags an echo with `is_echo: true`; a message the page itself sent is one whatever the flag says (a
  // string, or none): taken for the person's, it would be answered, and the answer echoed and answered in turn.
  const isEcho = message !== undefined && (message.is_echo === true || message.is_echo === 'true' || sender === pageId);
  // Echoes go from the page to the person: the person is the recipient (messenger-platform.md §2.2).
  const userId = isEcho ? recipient : sender !== pageId ? sender : recipient;
  const body = bodyOf(raw, message, isEcho);
  if ('error' in body) return { ok: false, reason: body.error };
  const key = `${standby ? 's:' : ''}${bounded(keyOf(body, userId, timestamp, raw))}`;
  // The body itself, completed: a spread copy of it was most of what the webhook thread's collector promoted.
  const event = Object.assign(body, { key, page_id: pageId, user_id: userId, timestamp, standby }) as InboundEvent;
  return { ok: true, event };
}

function bodyOf(raw: Json, message: Json | undefined, isEcho: boolean): InboundEventBody | { error: string } {
  if (message) {
    const mid = str(message.mid);
    if (!mid) return { error: 'message has no mid' };
    const text = str(message.text);
    const attachments = attachmentsOf(message);
    if (isEcho) {
      return { kind: 'echo', mid, text, attachments, app_id: str(message.app_id), metadata: str(message.metadata) };
    }
    return {
      kind: 'message',
      mid,
      text,
      attachments,
      quick_reply_payload: isObject(message.quick_reply) ? str(message.quick_reply.payload) : undefined,
      reply_to_mid: isObject(message.reply_to) ? str(message.reply_to.mid) : undefined,
      referral: referralOf(message.referral),
    };
  }
  if (isObject(raw.postback)) {
    const p = raw.postback;
    return {
      kind: 'postback',
      mid: str(p.mid),
      title: str(p.title),
      payload: str(p.payload),
      referral: referralOf(p.referral),
    };
  }
  if (isObject(raw.referral)) return { kind: 'referral', referral: referralOf(raw.referral) ?? {} };
  if (isObject(raw.optin)) return { kind: 'optin', optin: raw.optin };
  if (isObject(raw.delivery)) {
    const mids = Array.isArray(raw.delivery.mids) ? raw.delivery.mids.filter((m) => typeof m === 'string') : [];
    return { kind: 'delivery', mids, watermark: num(raw.delivery.watermark) ?? 0 };
  }
  if (isObject(raw.read)) return { kind: 'read', watermark: num(raw.read.watermark) ?? 0 };
  if (isObject(raw.reaction)) {
    const r = raw.reaction;
    const mid = str(r.mid);
    if (!mid) return { error: 'reaction has no mid' };
    return {
      kind: 'reaction',
      mid,
      action: r.action === 'unreact' ? 'unreact' : 'react',
      reaction: str(r.reaction),
      emoji: str(r.emoji),
    };
  }
  if (isObject(raw.message_edit)) {
    const e = raw.message_edit;
    const mid = str(e.mid);
    const text = str(e.text);
    if (!mid || text === undefined) return { error: 'message_edit has no mid or no text' };
    return { kind: 'edit', mid, text, num_edit: num(e.num_edit) };
  }
  // Older payloads spell the key with a hyphen, Meta's current reference with an underscore (messenger-platform.md §2.10).
  const enforcement = raw['policy-enforcement'] ?? raw.policy_enforcement;
  const action = isObject(enforcement) ? POLICY_ACTIONS.find((a) => a === enforcement.action) : undefined;
  if (isObject(enforcement) && action) return { kind: 'policy_enforcement', action, reason: str(enforcement.reason) };
  for (const action of ['pass_thread_control', 'take_thread_control', 'request_thread_control', 'app_roles'] as const) {
    if (isObject(raw[action])) return { kind: 'handover', action, detail: withAppIdsAsText(raw[action] as Json) };
  }
  // Kept whole (a policy enforcement's reason, an edit's new text…): stored and ignored, but there to inspect.
  const { sender: _s, recipient: _r, timestamp: _t, ...fields } = raw;
  return { kind: 'unknown', keys: Object.keys(fields), fields };
}

/** App ids as text, as the gateway keeps them: one sent as a JSON number would never equal ours. */
function withAppIdsAsText(detail: Json): Json {
  const copy = { ...detail };
  for (const key of ['new_owner_app_id', 'previous_owner_app_id', 'requested_owner_app_id'])
    if (typeof copy[key] === 'number') copy[key] = String(copy[key]);
  return copy;
}

function attachmentsOf(message: Json): InboundAttachment[] {
  const list = Array.isArray(message.attachments) ? message.attachments : [];
  const stickerId = str(message.sticker_id);
  const attachments = list.filter(isObject).map((a): InboundAttachment => {
    const payload = isObject(a.payload) ? a.payload : undefined;
    const url = str(payload?.url) ?? str(a.url);
    // Legacy kinds name the attachment beside its payload; shared posts and reels inside it (`{url, title}`).
    const title = str(a.title) ?? str(payload?.title);
    const sticker = str(payload?.sticker_id) ?? (a.type === 'image' ? stickerId : undefined);
    // Legacy stickers are images with a sticker_id; since 2026 there is a `sticker` type (messenger-platform.md §2.1).
    if (a.type === 'sticker' || sticker) return { type: 'sticker', url, sticker_id: sticker, payload };
    if (a.type === 'location') {
      const c = isObject(payload?.coordinates) ? payload.coordinates : undefined;
      const coordinates = c ? { lat: num(c.lat) ?? 0, long: num(c.long) ?? 0 } : undefined;
      return { type: 'location', url, title, coordinates, payload };
    }
    const known = ['image', 'video', 'audio', 'file', 'fallback', 'template'] as const;
    const type = known.find((k) => k === a.type);
    if (type) return { type, url, title, payload };
    // Kinds the gateway does not show itself (a shared reel or post, a booking) keep their name for the inbox.
    return { type: 'other', channel_type: str(a.type), url, title, payload };
  });
  // During the 2026 change one sticker came in both forms (messenger-platform.md §2.1): it is one sticker.
  return attachments.filter(
    (a, i) =>
      a.type !== 'sticker' ||
      a.sticker_id === undefined ||
      attachments.findIndex((b) => b.type === 'sticker' && b.sticker_id === a.sticker_id) === i,
  );
}

const POLICY_ACTIONS: readonly PolicyAction[] = ['warning', 'block', 'unblock'];

/** The fields the gateway reads, typed; the others (`ads_context_data`, `referer_uri`…) kept as they came. */
function referralOf(v: unknown): Referral | undefined {
  if (!isObject(v)) return undefined;
  return { ...v, ref: str(v.ref), source: str(v.source), type: str(v.type), ad_id: str(v.ad_id) };
}

/**
 * Keys longer than this are hashed (keeping their kind's prefix). A delivery lists every message id it covers, and a
 * postback carries its payload: as is, such a key could pass what PostgreSQL indexes (about 2.7 KB), and the insert of
 * the whole group of webhooks with it would fail every time Facebook sent it again.
 */
const MAX_KEY_LENGTH = 256;

function bounded(key: string): string {
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `${key.slice(0, key.indexOf(':') + 1)}#${createHash('sha256').update(key).digest('base64url')}`;
}

/** The deduplication key: the message id when there is one, else what identifies the event's content. */
function keyOf(body: InboundEventBody, userId: string | undefined, timestamp: number, raw: Json): string {
  switch (body.kind) {
    case 'message':
    case 'echo':
      return `m:${body.mid}`;
    case 'postback':
      return body.mid ? `p:${body.mid}` : `p:${userId}:${timestamp}:${body.payload ?? ''}`;
    case 'delivery':
      return `d:${userId}:${body.watermark}:${body.mids.join(',')}`;
    case 'read':
      return `r:${userId}:${body.watermark}`;
    case 'reaction':
      return `x:${userId}:${body.mid}:${body.action}:${body.reaction ?? ''}:${timestamp}`;
    case 'edit':
      // Without its count (Meta's reference always gives one), the time tells the edits apart.
      return editKey(body.mid, body.num_edit ?? timestamp);
    default:
      return `h:${createHash('sha256').update(JSON.stringify(raw)).digest('base64url')}`;
  }
}
