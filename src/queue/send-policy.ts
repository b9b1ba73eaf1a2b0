import type { Kysely } from 'kysely';
import { decideSend, type MessageTag, type SendDecision } from '../conversations/policy/messaging-window.ts';
import { type OutboxRow, type SendContext, sendContextOf } from '../storage/outbox-repository.ts';
import type { Database } from '../storage/schema.ts';

/**
 * The 24-hour rule for one outbox row, decided when it is about to be sent (not when it was queued: a paced or
 * retried message may cross the window). Bots never get HUMAN_AGENT; agents get it between 24 hours and 7 days. What
 * a person of the team sends (a reply, or a tagged business update) may take the person's thread from another app.
 * Nothing goes to a person Graph said cannot be messaged, until they write again.
 */
const UNREACHABLE =
  'the person cannot be reached (they blocked the page, left Messenger, or are unknown to it): nothing is sent ' +
  'until they write again';

export function createSendPolicy(db: Kysely<Database>, now: () => number) {
  /** `known`: the context as the turn that queued the row left it, which saves reading it back. */
  return async function decide(row: OutboxRow, known?: SendContext): Promise<SendDecision> {
    const context = known ?? (await sendContextOf(db, row));
    // Cleared by the person's next message (conversation-store.ts), unless Graph said it after that message came: the
    // turn's rows are handed over with what stands then.
    // Graph's own 551, which it said before: counted in the page's health as sends to a person who cannot be reached.
    if ((context?.unreachable_at ?? null) !== null) return { ok: false, reason: UNREACHABLE, code: 551 };
    const author = context?.author === 'agent' || context?.author === 'system' ? context.author : 'bot';
    const decision = decideSend({
      author,
      lastInboundAt: context?.last_inbound_at ?? null,
      now: now(),
      requestedTag: (row.tag ?? undefined) as MessageTag | undefined,
    });
    // A person of the team writes to a person whose thread another app may have (the Page Inbox): a reply or an update
    // (`system`, sent from the inbox or the API, always by a signed-in user) may take it, the bot's never (it waits
    // until the thread comes back).
    if (!decision.ok || author === 'bot') return decision;
    return { ...decision, takes_thread: { elsewhere_since: context?.thread_elsewhere_since ?? null } };
  };
}
