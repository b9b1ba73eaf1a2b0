import type { EmulatorContext } from './context.ts';
import { threadOwner } from './conversation.ts';
import { PAGE_INBOX_APP_ID } from './platform-constants.ts';
import type { Conversation, PageRecord } from './state-types.ts';
import { fromPerson, partiesOf } from './webhook-events.ts';
import { publishToApp } from './webhook-routing.ts';

interface Target {
  page: PageRecord;
  conversation: Conversation;
}

function notify(ctx: EmulatorContext, target: Target, appId: string, body: Record<string, unknown>): void {
  if (appId === PAGE_INBOX_APP_ID) return;
  const event = fromPerson(partiesOf(target, ctx.clock.now()), body);
  publishToApp(ctx, target.page, appId, 'messaging_handovers', event);
}

function withMetadata(body: Record<string, unknown>, metadata?: string): Record<string, unknown> {
  return metadata === undefined ? body : { ...body, metadata };
}

/** The thread moves to `newOwner`; the new owner gets `pass_thread_control` (§2.9, §7). */
export function passThread(ctx: EmulatorContext, target: Target, newOwner: string, metadata?: string): void {
  const previous = threadOwner(target.conversation, target.page);
  target.conversation.owner_app_id = newOwner;
  notify(ctx, target, newOwner, {
    pass_thread_control: withMetadata({ previous_owner_app_id: previous, new_owner_app_id: newOwner }, metadata),
  });
}

/** `taker` takes the thread; the app that loses it gets `take_thread_control`. */
export function takeThread(ctx: EmulatorContext, target: Target, taker: string, metadata?: string): void {
  const previous = threadOwner(target.conversation, target.page);
  target.conversation.owner_app_id = taker;
  if (previous !== taker) {
    notify(ctx, target, previous, {
      take_thread_control: withMetadata({ previous_owner_app_id: previous, new_owner_app_id: taker }, metadata),
    });
  }
}

/** A non-owner asks for the thread; the owner gets `request_thread_control`. */
export function requestThread(ctx: EmulatorContext, target: Target, requester: string, metadata?: string): void {
  notify(ctx, target, threadOwner(target.conversation, target.page), {
    request_thread_control: withMetadata({ requested_owner_app_id: requester }, metadata),
  });
}

/** The owner releases the thread: it goes back to the page's default app (Conversation Routing). */
export function releaseThread(target: Target): void {
  target.conversation.owner_app_id = null;
}
