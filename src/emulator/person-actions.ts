import type { EmulatorContext } from './context.ts';
import { appendItem, findItem, itemChanged, openWindow } from './conversation.ts';
import { editRefusal } from './edit-rules.ts';
import { messageId, numericId } from './ids.ts';
import type { WebhookField } from './platform-constants.ts';
import type { Conversation, PageRecord, ThreadItem } from './state-types.ts';
import { fromPerson, partiesOf } from './webhook-events.ts';
import { publishConversationEvent } from './webhook-routing.ts';

/** A person's action failed (e.g. Get Started on a page without one): said to the control API caller. */
export type ActionResult = { ok: true; mid?: string } | { ok: false; status: number; message: string };

export interface PersonTarget {
  page: PageRecord;
  conversation: Conversation;
  /** Base URL for sticker image URLs. */
  origin: string;
}

/** The message of the thread a person's message replies to. */
type ReplyTo = { reply_to?: { mid: string } };

export type PersonInput =
  | ({ kind: 'text'; text: string; quick_reply?: { payload: string } } & ReplyTo)
  | ({ kind: 'attachments'; attachments: { type: string; url: string }[] } & ReplyTo)
  | ({ kind: 'sticker'; sticker_id: string } & ReplyTo)
  | { kind: 'postback'; title: string; payload: string; referral?: Record<string, unknown> }
  | { kind: 'get_started'; referral?: Record<string, unknown> }
  | { kind: 'reaction'; mid: string; action: 'react' | 'unreact'; reaction?: string; emoji?: string }
  | { kind: 'edit'; mid: string; text: string }
  | { kind: 'referral'; referral: Record<string, unknown> }
  | { kind: 'optin'; title: string; payload: string; status?: 'STOP_NOTIFICATIONS' | 'RESUME_NOTIFICATIONS' };

/** Runs one thing a person does in Messenger: the thread changes and the webhooks are queued. */
export function personActs(ctx: EmulatorContext, target: PersonTarget, input: PersonInput): ActionResult {
  switch (input.kind) {
    case 'text':
    case 'attachments':
    case 'sticker': {
      const replied = input.reply_to?.mid;
      if (replied !== undefined && !findItem(target.conversation, replied))
        return { ok: false, status: 404, message: `no message ${replied} in this conversation to reply to` };
      const body = messageBody(ctx, target, input);
      return sendMessage(ctx, target, replied === undefined ? body : { ...body, reply_to: { mid: replied } });
    }
    case 'postback':
      return postback(ctx, target, input);
    case 'get_started': {
      const payload = target.page.profile.get_started?.payload;
      if (payload === undefined)
        return { ok: false, status: 409, message: 'this page has no get_started payload in its Messenger profile' };
      return postback(ctx, target, { title: 'Get Started', payload, referral: input.referral });
    }
    case 'reaction':
      return react(ctx, target, input);
    case 'edit':
      return edit(ctx, target, input);
    case 'referral':
      return referral(ctx, target, input.referral);
    case 'optin':
      return optIn(ctx, target, input);
  }
}

function messageBody(ctx: EmulatorContext, target: PersonTarget, input: PersonInput): Record<string, unknown> {
  if (input.kind === 'text')
    return input.quick_reply ? { text: input.text, quick_reply: input.quick_reply } : { text: input.text };
  if (input.kind === 'attachments')
    return { attachments: input.attachments.map(({ type, url }) => ({ type, payload: { url } })) };
  if (input.kind !== 'sticker') return {};
  // Legacy form: an image attachment carrying sticker_id, plus message.sticker_id; 2026: type `sticker` (§2.1).
  const url = `${target.origin}/_emulator/stickers/${input.sticker_id}`;
  const id = Number(input.sticker_id);
  const legacy = { type: 'image', payload: { url, sticker_id: id } };
  const modern = { type: 'sticker', payload: { url, sticker_id: id } };
  const format = ctx.options.stickerFormat;
  if (format === 'sticker') return { attachments: [modern] };
  return { sticker_id: id, attachments: format === 'both' ? [legacy, modern] : [legacy] };
}

function record(ctx: EmulatorContext, target: PersonTarget, item: ThreadItem, opensWindow: boolean): void {
  appendItem(ctx.state, target.conversation, item);
  if (opensWindow) openWindow(ctx.state, target.conversation, item.timestamp);
}

/**
 * Queues the person's event. `at` is the time the thread recorded it: the event says that same time, so a bot that
 * times the 24-hour window from it ends it when the emulator does (the clock may have moved a millisecond since).
 */
function publish(
  ctx: EmulatorContext,
  target: PersonTarget,
  field: WebhookField,
  body: Record<string, unknown>,
  extra: { standby?: Record<string, unknown>; at?: number } = {},
) {
  const parties = partiesOf(target, extra.at ?? ctx.clock.now());
  const { standby } = extra;
  publishConversationEvent(ctx, target, field, fromPerson(parties, body), standby && fromPerson(parties, standby));
}

/**
 * The person agrees to a page's marketing messages (a notification request's button), or stops or resumes them from
 * the thread's menu: one token per opt-in, kept through stop and resume (§2.7). No window opens: it is no message.
 */
function optIn(
  ctx: EmulatorContext,
  target: PersonTarget,
  input: Extract<PersonInput, { kind: 'optin' }>,
): ActionResult {
  target.conversation.notification_tokens ??= {};
  const tokens = target.conversation.notification_tokens;
  const known = tokens[input.payload];
  if (input.status && !known)
    return { ok: false, status: 409, message: `no opt-in ${input.payload} to stop or resume` };
  const token = known ?? numericId();
  tokens[input.payload] = token;
  const now = ctx.clock.now();
  const optin: Record<string, unknown> = {
    type: 'notification_messages',
    title: input.title,
    payload: input.payload,
    notification_messages_token: token,
    notification_messages_timezone: 'UTC',
    token_expiry_timestamp: now + TOKEN_LIFETIME_MS,
    user_token_status: 'NOT_REFRESHED',
  };
  if (input.status) optin.notification_messages_status = input.status;
  publish(ctx, target, 'messaging_optins', { optin });
  return { ok: true };
}

/** A marketing-messages token lasts six months, unless the person renews it. */
const TOKEN_LIFETIME_MS = 180 * 24 * 3_600_000;

function sendMessage(ctx: EmulatorContext, target: PersonTarget, body: Record<string, unknown>): ActionResult {
  const item: ThreadItem = { id: messageId(), from: 'person', timestamp: ctx.clock.now(), message: body };
  record(ctx, target, item, true);
  publish(ctx, target, 'messages', { message: { mid: item.id, ...body } }, { at: item.timestamp });
  return { ok: true, mid: item.id };
}

function postback(
  ctx: EmulatorContext,
  target: PersonTarget,
  input: { title: string; payload: string; referral?: Record<string, unknown> | undefined },
): ActionResult {
  const item: ThreadItem = {
    id: messageId(),
    from: 'person',
    timestamp: ctx.clock.now(),
    postback: { title: input.title, payload: input.payload },
  };
  if (input.referral) item.referral = input.referral;
  record(ctx, target, item, true);
  const body: Record<string, unknown> = { mid: item.id, title: input.title, payload: input.payload };
  if (input.referral) body.referral = input.referral;
  // Apps that did not create the button get the postback on standby without its payload (§2.3).
  const { payload: _payload, ...standby } = body;
  publish(
    ctx,
    target,
    'messaging_postbacks',
    { postback: body },
    { standby: { postback: standby }, at: item.timestamp },
  );
  return { ok: true, mid: item.id };
}

function react(
  ctx: EmulatorContext,
  target: PersonTarget,
  input: Extract<PersonInput, { kind: 'reaction' }>,
): ActionResult {
  const item = findItem(target.conversation, input.mid);
  if (!item) return { ok: false, status: 404, message: `no message ${input.mid} in this conversation` };
  const emoji = input.emoji ?? '❤️';
  const reaction = input.reaction ?? 'love';
  if (input.action === 'react') item.reaction = { reaction, emoji, by: 'person' };
  else delete item.reaction;
  itemChanged(ctx.state, target.conversation, item);
  const body: Record<string, unknown> = { mid: input.mid, action: input.action };
  if (input.action === 'react') Object.assign(body, { reaction, emoji });
  publish(ctx, target, 'message_reactions', { reaction: body });
  return { ok: true };
}

/**
 * The person edits a text they sent (field `message_edits`, §2.10): the bubble shows the new text, the page hears
 * `message_edit` with `num_edit` counting up. Messenger offers it only on the person's own typed texts, for 15
 * minutes after sending and at most 5 times, and sends no edit that leaves the text as it was. An edit is no new
 * message: the window stays as it was.
 */
function edit(ctx: EmulatorContext, target: PersonTarget, input: Extract<PersonInput, { kind: 'edit' }>): ActionResult {
  const item = findItem(target.conversation, input.mid);
  if (!item) return { ok: false, status: 404, message: `no message ${input.mid} in this conversation` };
  const refused = editRefusal(item, ctx.clock.now());
  if (refused) return { ok: false, status: 409, message: `cannot edit message ${input.mid}: ${refused}` };
  // Messenger sends nothing for an edit that changes nothing; a test that expected a webhook hears why it gets none.
  if (input.text === item.message?.text)
    return {
      ok: false,
      status: 409,
      message: `cannot edit message ${input.mid}: the text is unchanged; Messenger sends no edit that changes nothing`,
    };
  const numEdit = (item.edit_count ?? 0) + 1;
  item.message = { ...item.message, text: input.text };
  item.edit_count = numEdit;
  itemChanged(ctx.state, target.conversation, item);
  publish(ctx, target, 'message_edits', { message_edit: { mid: item.id, text: input.text, num_edit: numEdit } });
  return { ok: true, mid: item.id };
}

function referral(ctx: EmulatorContext, target: PersonTarget, ref: Record<string, unknown>): ActionResult {
  // Following an m.me link or an ad into an existing thread refreshes the window (§3.2).
  const now = ctx.clock.now();
  openWindow(ctx.state, target.conversation, now);
  publish(
    ctx,
    target,
    'messaging_referrals',
    { referral: { source: 'SHORTLINK', type: 'OPEN_THREAD', ...ref } },
    { at: now },
  );
  return { ok: true };
}
