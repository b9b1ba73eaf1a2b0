/**
 * A person's id as the gateway keeps it (an event's `user_id`, a contact's external id, the key of the person's lane)
 * and how Graph addresses that person. Most people have a PSID, a string of digits. A chat-plugin guest has none: its
 * events carry `sender.user_ref`, replies go to `recipient.user_ref`, and Graph sends no echo for them
 * (messenger-platform.md §2.2, §2.11, §3.1). A guest's person id is its user_ref behind a prefix no PSID can have, so
 * it can never meet a PSID, and each guest keeps its own contact, conversation and lane with no other field to carry.
 * This module alone makes and reads that form.
 */
const GUEST_PREFIX = 'guest:';

/** How Graph addresses a person in a `recipient`: by PSID, or a guest by user_ref. */
export type Recipient = { id: string } | { user_ref: string };

/** The person id of a chat-plugin guest known by `userRef`. */
export function guestPersonId(userRef: string): string {
  return `${GUEST_PREFIX}${userRef}`;
}

/** Whether the person id is a guest's (addressed by user_ref, no profile, no echoes). */
export function isGuest(personId: string): boolean {
  return personId.startsWith(GUEST_PREFIX);
}

/** The Graph `recipient` of a person id: `{user_ref}` for a guest, else `{id}`. */
export function recipientOf(personId: string): Recipient {
  return isGuest(personId) ? { user_ref: personId.slice(GUEST_PREFIX.length) } : { id: personId };
}

/**
 * The person id of a webhook event's `sender` or `recipient`: its `id` (a PSID, or the page's id), else a guest's
 * `user_ref`. Undefined when the party names neither.
 */
export function personIdOf(party: unknown): string | undefined {
  if (typeof party !== 'object' || party === null) return undefined;
  const { id, user_ref: userRef } = party as { id?: unknown; user_ref?: unknown };
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number') return String(id);
  return typeof userRef === 'string' && userRef !== '' ? guestPersonId(userRef) : undefined;
}
