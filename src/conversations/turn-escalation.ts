import type { AssistantInput, AssistantReply } from '../assistants/assistant.ts';
import type { PageSettings } from '../config/page-settings.ts';
import type { InboundEvent } from './inbound-event.ts';
import { isOpen, nextOpening } from './policy/business-hours.ts';
import { detectEscalation, foldedOf, readText, requestForPerson, type TextReading } from './policy/escalation.ts';
import { fold } from './policy/fold.ts';
import { type Conversation, currentRouting, type Session } from './ports.ts';

const REPEAT_WINDOW_MS = 10 * 60_000;
const RECENT_KEPT = 10;

/** A recent message in the session's memory, folded; sessions saved by earlier versions kept the text itself. */
type RecentInbound = { folded: string; at: number } | { text: string; at: number; folded?: undefined };

/**
 * Why this message should reach a person (asked for one, a page keyword, frustration), from the message and the
 * session's memory of recent messages and misses. Updates that memory. `given`: the message's text read already
 * (`textReadingOf`), when it was.
 */
export function escalationOf(
  input: AssistantInput,
  session: Session,
  settings: PageSettings,
  now: number,
  given?: TextReading,
): string | undefined {
  const recent = ((session.state.recent_inbound as RecentInbound[] | undefined) ?? [])
    .filter((r) => now - r.at < REPEAT_WINDOW_MS)
    .map((r) => (r.folded === undefined ? { folded: fold(r.text), at: r.at } : r));
  const text = 'text' in input ? input.text : undefined;
  // Only what the person typed is a message repeated: tapping the same button again is how menus are used.
  const typed = input.kind === 'text' ? text : undefined;
  const found = detectEscalation(
    { text, kind: input.kind },
    {
      keywords: settings.escalation_keywords,
      recentInbound: recent,
      fallbacksInARow: Number(session.state.fallbacks_in_a_row ?? 0),
      now,
      reading: given,
    },
  );
  session.state = {
    ...session.state,
    recent_inbound: typed ? [...recent, { folded: foldedOf(typed, given), at: now }].slice(-RECENT_KEPT) : recent,
  };
  return found ? `${found.reason}: ${found.detail}` : undefined;
}

/**
 * Why a message over the person's rate limit, which is not answered, should reach people: only a typed request for a
 * person is looked for, and only while nothing is flagged and the bot has the conversation (as for a message answered).
 * This runs on every throttled event of a flood, so the cheap checks come first and the session is left alone.
 */
export function throttledEscalationOf(
  event: InboundEvent,
  conversation: Conversation,
  now: number,
  given?: TextReading,
): string | undefined {
  if (conversation.flagged || event.kind !== 'message' || event.quick_reply_payload !== undefined) return undefined;
  const text = event.text?.trim();
  if (!text || currentRouting(conversation, now) !== 'bot') return undefined;
  const found = requestForPerson(text, 'while over the rate limit (not answered)', given);
  return found && `${found.reason}: ${found.detail}`;
}

/**
 * The reading of the event's text the escalation checks make (`readText`), for a message they check: typed, not a
 * quick reply's. Made ahead of the turn by a thread with more time (thread-client.ts) and handed to it.
 */
export function textReadingOf(event: InboundEvent): TextReading | undefined {
  if (event.kind !== 'message' || event.quick_reply_payload !== undefined || !event.text) return undefined;
  return readText(event.text);
}

/** Counts the assistant's misses in a row in the session. */
export function countFallback(session: Session, reply: AssistantReply): void {
  session.state = {
    ...session.state,
    fallbacks_in_a_row: reply.fallback ? Number(session.state.fallbacks_in_a_row ?? 0) + 1 : 0,
  };
}

/** Outside opening hours a hand-over waits for the next opening: the person is told, the flag says until when. */
export function closedNotice(settings: PageSettings, now: number): { text: string; until?: number } | undefined {
  if (isOpen(settings.business_hours, now)) return undefined;
  return { text: settings.away_message, until: nextOpening(settings.business_hours, now) };
}
