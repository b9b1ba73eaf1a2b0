import type { EmulatorContext } from './context.ts';
import { threadOwner } from './conversation.ts';
import type { WebhookField } from './platform-constants.ts';
import { effectiveFields } from './state.ts';
import type { Conversation, PageRecord } from './state-types.ts';

/** What apps that do not own the thread hear on standby (messenger-platform.md §2.12); not reactions or referrals. */
const STANDBY_FIELDS = new Set<WebhookField>([
  'messages',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'messaging_postbacks',
]);

/**
 * Sends a conversation event to every app subscribed to the page: the thread owner gets it in
 * `messaging` (if subscribed to `field`), the others a copy in `standby` (if subscribed to
 * `standby`, and for the fields standby carries), as under handover / Conversation Routing (messenger-platform.md
 * §2.12, §7).
 */
export function publishConversationEvent(
  ctx: EmulatorContext,
  target: { page: PageRecord; conversation: Conversation },
  field: WebhookField,
  event: Record<string, unknown>,
  standbyEvent: Record<string, unknown> = event,
): void {
  const owner = threadOwner(target.conversation, target.page);
  for (const appId of target.page.subscribed.keys()) {
    const fields = effectiveFields(ctx.state, target.page, appId);
    if (appId === owner) {
      if (fields.has(field)) ctx.dispatcher.enqueue(appId, { page_id: target.page.id, channel: 'messaging', event });
    } else if (fields.has('standby') && STANDBY_FIELDS.has(field)) {
      ctx.dispatcher.enqueue(appId, { page_id: target.page.id, channel: 'standby', event: standbyEvent });
    }
  }
}

/** Sends an event to one app in `messaging` (handover notifications), if it is subscribed to `field`. */
export function publishToApp(
  ctx: EmulatorContext,
  page: PageRecord,
  appId: string,
  field: WebhookField,
  event: Record<string, unknown>,
): void {
  if (effectiveFields(ctx.state, page, appId).has(field)) {
    ctx.dispatcher.enqueue(appId, { page_id: page.id, channel: 'messaging', event });
  }
}
