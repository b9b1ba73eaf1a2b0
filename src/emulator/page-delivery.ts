import type { EmulatorContext } from './context.ts';
import { appendItem, setStatus, setTyping } from './conversation.ts';
import { messageId } from './ids.ts';
import type { Conversation, PageRecord, ThreadItem } from './state-types.ts';
import { deliveryEvent, echoEvent, partiesOf, readEvent } from './webhook-events.ts';
import { publishConversationEvent } from './webhook-routing.ts';

interface Target {
  page: PageRecord;
  conversation: Conversation;
}

/**
 * A message the page sent (through the Send API or the Page Inbox) reaches the person: it joins
 * the thread, ends the typing indicator, and produces an echo, then a delivery (autoDeliver), then
 * a read if the person reads automatically (messenger-platform.md §3.9, §11.5). `echo: false` for a
 * send addressed by `user_ref`, which Facebook does not echo (§2.2).
 */
export function deliverPageMessage(
  ctx: EmulatorContext,
  target: Target,
  sent: { appId: string; message: Record<string, unknown>; tag?: string; personaId?: string; echo?: boolean },
): ThreadItem {
  const { state, clock } = ctx;
  const item: ThreadItem = {
    id: messageId(),
    from: 'page',
    timestamp: clock.now(),
    app_id: sent.appId,
    message: sent.message,
    status: 'sent',
  };
  if (sent.tag) item.tag = sent.tag;
  if (sent.personaId) item.persona_id = sent.personaId;
  setTyping(state, target.conversation, false, ctx.options.typingTimeoutMs);
  appendItem(state, target.conversation, item);
  if (sent.echo !== false) {
    const echo = echoEvent(partiesOf(target, item.timestamp), {
      mid: item.id,
      appId: sent.appId,
      message: sent.message,
    });
    publishConversationEvent(ctx, target, 'message_echoes', echo);
  }
  if (ctx.options.autoDeliver) {
    markDelivered(ctx, target, [item]);
    if (state.people.get(target.conversation.person_id)?.auto_read) markRead(ctx, target);
  }
  return item;
}

export function markDelivered(ctx: EmulatorContext, target: Target, items: ThreadItem[]): void {
  setStatus(ctx.state, target.conversation, items, 'delivered');
  const watermark = Math.max(...items.map((item) => item.timestamp));
  const parties = partiesOf(target, ctx.clock.now());
  publishConversationEvent(
    ctx,
    target,
    'message_deliveries',
    deliveryEvent(
      parties,
      items.map((item) => item.id),
      watermark,
    ),
  );
}

/**
 * The person reads the thread: every page message becomes read, and one read webhook tells the
 * watermark (§2.5). Nothing unread: nothing happens (the chat page marks read whenever it is visible).
 */
export function markRead(ctx: EmulatorContext, target: Target): boolean {
  const pageItems = target.conversation.items.filter((item) => item.from === 'page');
  const last = pageItems.at(-1);
  const unread = pageItems.filter((item) => item.status !== 'read');
  if (!last || unread.length === 0) return false;
  const undelivered = unread.filter((item) => item.status === 'sent');
  if (undelivered.length > 0) markDelivered(ctx, target, undelivered);
  setStatus(ctx.state, target.conversation, unread, 'read');
  const parties = partiesOf(target, ctx.clock.now());
  publishConversationEvent(ctx, target, 'message_reads', readEvent(parties, last.timestamp));
  return true;
}
