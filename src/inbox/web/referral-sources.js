/**
 * Where a person came from, as the inbox says it, by a referral's `source` (messenger-platform.md §2.6). One table for
 * the thread's notes (content.js) and the gateway's previews (conversations/assistant-input.ts): a plain module, which
 * the browser loads as it is and the gateway imports.
 */
const REFERRAL_SOURCES = { SHORTLINK: 'an m.me link', ADS: 'an ad', CUSTOMER_CHAT_PLUGIN: 'the chat plugin' };

/** "an m.me link", "an ad" or "the chat plugin"; any other source (or none) is "a link". */
export function referralSourceName(source) {
  return Object.hasOwn(REFERRAL_SOURCES, source) ? REFERRAL_SOURCES[source] : 'a link';
}
