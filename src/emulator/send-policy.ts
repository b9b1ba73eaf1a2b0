import type { EmulatorContext } from './context.ts';
import { threadOwner, withinWindow } from './conversation.ts';
import { type GraphError, graphError } from './graph-errors.ts';
import { HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS } from './platform-constants.ts';
import type { Conversation, PageRecord } from './state-types.ts';
import type { SendCommand } from './validate-send.ts';

export const policyErrors = {
  /** Meta blocked the page from messaging (a `policy_enforcement` block, §2.10, §4.2): no retry helps. */
  pageBlocked: () => graphError(368, 'The action attempted has been deemed abusive or is otherwise disallowed'),
  /** The person blocked the page or is otherwise unavailable (§4.2). */
  unavailable: () => graphError(551, "This person isn't available right now.", { subcode: 1545041 }),
  /**
   * Approximate: Facebook's subcodes for "not the thread owner" are not all documented (§7);
   * 100/2018234 ("secondary visibility only") is the one observed.
   */
  notThreadOwner: () =>
    graphError(
      100,
      'This app has secondary visibility only and cannot send messages or take this action in this thread',
      {
        subcode: 2018234,
      },
    ),
  outsideWindow: () =>
    graphError(
      10,
      'This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview',
      { subcode: 2018278 },
    ),
};

/**
 * Who may send now (messenger-platform.md §3.2, §7): not to a person who blocked the page; only
 * the thread owner; messages only within 24 h of the person's last message, postback or referral
 * (on the emulator's clock), HUMAN_AGENT within 7 days, the other tags at any time. Sender
 * actions are not held to the window: whether Facebook refuses them is not documented.
 */
export function checkSendPolicy(
  ctx: EmulatorContext,
  target: { page: PageRecord; conversation: Conversation; appId: string; command: SendCommand },
): GraphError | undefined {
  const { conversation, command } = target;
  if (conversation.blocked) return policyErrors.unavailable();
  if (threadOwner(conversation, target.page) !== target.appId) return policyErrors.notThreadOwner();
  if (command.kind !== 'message') return undefined;
  const now = ctx.clock.now();
  if (command.tag === 'HUMAN_AGENT')
    return withinWindow(conversation, now, HUMAN_AGENT_WINDOW_MS) ? undefined : policyErrors.outsideWindow();
  if (command.tag) return undefined;
  return withinWindow(conversation, now, STANDARD_WINDOW_MS) ? undefined : policyErrors.outsideWindow();
}
