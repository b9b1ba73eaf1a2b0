/**
 * The channel's messaging window (Messenger's 24-hour rule, messenger-platform.md §3.2), channel-neutral: who may
 * send what, when, counted from the person's last message.
 */

/** Tags that allow a message outside the standard window. HUMAN_AGENT is for people only, never automation. */
export type MessageTag = 'HUMAN_AGENT' | 'ACCOUNT_UPDATE' | 'CONFIRMED_EVENT_UPDATE' | 'POST_PURCHASE_UPDATE';

export type SendAuthor = 'bot' | 'agent' | 'system';

export interface SendRequest {
  /** `bot`: the assistant; `agent`: a team member's reply; `system`: a team member's tagged business update (the API). */
  author: SendAuthor;
  /** When the person last wrote (message, postback, referral), or null if they never did. */
  lastInboundAt: number | null;
  now: number;
  /** Only honoured for `system` messages, and never HUMAN_AGENT there: agents always get HUMAN_AGENT. */
  requestedTag?: MessageTag;
}

export type SendDecision =
  | {
      ok: true;
      messaging_type: 'RESPONSE' | 'MESSAGE_TAG' | 'UPDATE';
      tag?: MessageTag;
      /**
       * A person of the team's message, which may take the thread from another app (send-policy.ts): since when another
       * app held it as the decision read it (null: none as far as the gateway knew).
       */
      takes_thread?: { elsewhere_since: number | null };
    }
  /** `code`: the Graph error code the refusal stands for, when it is one Graph would give (counted as its own). */
  | { ok: false; reason: string; code?: number };

const HOUR_MS = 3_600_000;
/** The standard window: anything may be sent for 24 hours after the person's last message. */
export const STANDARD_WINDOW_MS = 24 * HOUR_MS;
/** An agent may answer with the HUMAN_AGENT tag for 7 days after the person's last message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;

/**
 * Decides how a message may be sent, or why it may not. Windows are half-open: at exactly 24 hours the standard
 * window is closed, at exactly 7 days the HUMAN_AGENT one. A last message stamped after `now` (clocks apart)
 * counts as just now.
 * - within 24 hours: untagged for everyone (a requested tag is not needed and is dropped): RESPONSE, or UPDATE for a
 *   `system` message, which answers nothing (messenger-platform.md §3);
 * - 24 hours to 7 days: an agent sends MESSAGE_TAG + HUMAN_AGENT; the bot is blocked;
 * - after 7 days: agents are blocked too;
 * - outside the window, or to someone who never wrote, only a `system` message with a requested tag other than
 *   HUMAN_AGENT goes out (MESSAGE_TAG + that tag).
 */
export function decideSend(input: SendRequest): SendDecision {
  const { author, lastInboundAt, now, requestedTag } = input;
  if (lastInboundAt !== null && now - lastInboundAt < STANDARD_WINDOW_MS)
    return { ok: true, messaging_type: author === 'system' ? 'UPDATE' : 'RESPONSE' };
  if (author === 'system' && requestedTag && requestedTag !== 'HUMAN_AGENT') {
    return { ok: true, messaging_type: 'MESSAGE_TAG', tag: requestedTag };
  }
  if (lastInboundAt === null) {
    return { ok: false, reason: `the person has never written to the page, so ${noTagHint(author, requestedTag)}` };
  }
  const age = now - lastInboundAt;
  const outside = `outside the 24-hour window: the person last wrote ${describeAge(age)} ago`;
  if (author === 'agent') {
    if (age < HUMAN_AGENT_WINDOW_MS) return { ok: true, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
    return { ok: false, reason: `${outside}, and agents may answer for 7 days only` };
  }
  return { ok: false, reason: `${outside}; ${noTagHint(author, requestedTag)}` };
}

function noTagHint(author: SendAuthor, requestedTag: MessageTag | undefined): string {
  if (author === 'bot') return 'automated replies cannot be sent until they write again';
  if (author === 'agent') return 'nothing can be sent until they write again';
  if (requestedTag === 'HUMAN_AGENT') return 'the HUMAN_AGENT tag is for replies written by a person';
  return 'a notice needs a message tag (account, event or purchase update)';
}

/** "45 minutes", "26 hours", "8 days". Hours up to three days, since the rules turn on 24 hours. */
export function describeAge(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms < HOUR_MS) return plural(Math.floor(ms / 60_000), 'minute');
  if (ms < 72 * HOUR_MS) return plural(Math.floor(ms / HOUR_MS), 'hour');
  return plural(Math.floor(ms / (24 * HOUR_MS)), 'day');
}
