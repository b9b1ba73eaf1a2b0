import type { EmulatorContext } from './context.ts';
import type { PageRecord } from './state-types.ts';
import { publishToApp } from './webhook-routing.ts';

/** What Meta does to a page (messaging_policy_enforcement reference): warn it, block it from messaging, lift that. */
export type PolicyAction = 'warning' | 'block' | 'unblock';

/** Meta's sample reason in the messaging_policy_enforcement reference; used when the caller gives none. */
export const DEFAULT_POLICY_REASON =
  'The bot violated our Platform Policies (https://developers.facebook.com/devpolicy/#messengerplatform). Common violations include sending out excessive spammy messages or being non-functional.';

/** What the chat page's stream hears when a page is blocked or unblocked (`page` events). */
export interface PagePolicyEvent {
  page_id: string;
  messaging_block: PageRecord['messaging_block'] | null;
}

export type PolicyResult = { ok: true } | { ok: false; message: string };

/**
 * Meta warns, blocks or unblocks a page (messenger-platform.md §2.10): a page-level event without a sender goes to
 * every app subscribed to the page with `messaging_policy_enforcement`; a block makes every send of the page fail
 * (368, send-policy.ts) until the unblock. Blocking a blocked page or unblocking one that is not is refused: Meta
 * would send no such event.
 */
export function enforcePolicy(
  ctx: EmulatorContext,
  page: PageRecord,
  input: { action: PolicyAction; reason?: string | undefined },
): PolicyResult {
  if (input.action === 'block' && page.messaging_block)
    return { ok: false, message: `page ${page.id} is already blocked from messaging` };
  if (input.action === 'unblock' && !page.messaging_block)
    return { ok: false, message: `page ${page.id} is not blocked from messaging` };
  const now = ctx.clock.now();
  // The reason "is absent if action is unblock".
  const reason = input.action === 'unblock' ? undefined : (input.reason ?? DEFAULT_POLICY_REASON);
  if (input.action === 'block') page.messaging_block = { reason: reason as string, since: now };
  if (input.action === 'unblock') delete page.messaging_block;
  const body = reason === undefined ? { action: input.action } : { action: input.action, reason };
  const event = { recipient: { id: page.id }, timestamp: now, [ctx.options.policyEnforcementKey]: body };
  for (const appId of page.subscribed.keys()) publishToApp(ctx, page, appId, 'messaging_policy_enforcement', event);
  if (input.action !== 'warning') {
    const changed: PagePolicyEvent = { page_id: page.id, messaging_block: page.messaging_block ?? null };
    ctx.state.bus.emit('page', changed);
  }
  return { ok: true };
}
