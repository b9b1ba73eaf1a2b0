/**
 * What the reply box can send: a reply, or a business update with one of the message tags the API takes
 * (`POST /api/conversations/:id/messages` `{text, tag}`; messenger-platform.md §3.2). Pure: no DOM.
 */

/**
 * The kinds offered, a reply first: it is the default, and a reply carries no tag (the gateway adds HUMAN_AGENT itself
 * between 24 hours and 7 days). `purpose` completes "For …".
 */
export const SEND_KINDS = [
  { tag: '', label: 'Reply' },
  {
    tag: 'ACCOUNT_UPDATE',
    label: 'Account update',
    purpose: 'a change to the person’s account or application, such as an approval or a payment that failed',
  },
  {
    tag: 'CONFIRMED_EVENT_UPDATE',
    label: 'Event update',
    purpose: 'a reminder or a change about an event the person has registered for',
  },
  {
    tag: 'POST_PURCHASE_UPDATE',
    label: 'Purchase update',
    purpose: 'news about something the person has bought: an order confirmed, shipped, delivered or refunded',
  },
];

/** The tag a choice stands for, or undefined for a reply and anything unknown: no tag goes that was not offered. */
export function tagOf(value) {
  const kind = SEND_KINDS.find((k) => k.tag !== '' && k.tag === value);
  return kind?.tag;
}

/**
 * What the chosen update is for, Messenger's rule that it must not promote, and how it goes in the window's state
 * (format.js `describeWindow`): inside the 24 hours the gateway sends it untagged. Empty for a reply.
 */
export function describeSendKind(tag, windowState) {
  const kind = SEND_KINDS.find((k) => k.tag !== '' && k.tag === tag);
  if (!kind) return '';
  const open = windowState === 'open' ? ' While the 24-hour window is open it goes without the tag.' : '';
  return `For ${kind.purpose}. Messenger forbids promotion in updates: no offers, discounts or ads.${open}`;
}
