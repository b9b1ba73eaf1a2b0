/**
 * What the dead letters say in words: sends (outbox rows) and inbound events whose retries ran out
 * (`GET /api/dead-letters`), and what a replay queued. Pure: no DOM, no fetch.
 */
import { personName } from './format.js';
import { SEND_KINDS } from './update-tags.js';

/** The most rows of each kind the API lists: more may be dead, and a replay queues them all. */
export const DEAD_LETTERS_LISTED = 100;

const SEND_KIND_LABELS = {
  message: 'Message',
  typing_on: 'Typing indicator',
  typing_off: 'Typing indicator off',
  mark_seen: 'Seen mark',
};

/** What a dead send was: a message (a business update named by its tag), or a sender action. */
export function sendKindLabel(row) {
  const update = SEND_KINDS.find((kind) => kind.tag !== '' && kind.tag === row.tag);
  if (row.kind === 'message' && update) return update.label;
  return SEND_KIND_LABELS[row.kind] ?? String(row.kind);
}

const EVENT_KIND_LABELS = {
  message: 'Message',
  echo: 'Echo of a sent message',
  postback: 'Button tap',
  referral: 'Referral',
  optin: 'Opt-in',
  delivery: 'Delivery receipt',
  read: 'Read receipt',
  reaction: 'Reaction',
  handover: 'Handover',
  unknown: 'Unknown event',
};

/** What a dead inbound event was, by the kind the gateway stored. */
export function eventKindLabel(kind) {
  return EVENT_KIND_LABELS[kind] ?? String(kind);
}

/** A send's last error with Graph's code and subcode, as the conversation's status says it: "… (code 100/2018001)". */
export function describeSendError(row) {
  const message = row.error_message || 'No error was recorded';
  if (row.error_code === null || row.error_code === undefined) return message;
  const subcode = row.error_subcode ? `/${row.error_subcode}` : '';
  return `${message} (code ${row.error_code}${subcode})`;
}

/** "1 attempt", "10 attempts". */
export function describeAttempts(attempts) {
  const n = Number(attempts) || 0;
  return `${n} attempt${n === 1 ? '' : 's'}`;
}

/** What `POST /api/dead-letters/replay` answered (`{outbox, events}`, the rows queued again). */
export function describeReplay({ outbox = 0, events = 0 } = {}) {
  if (outbox === 0 && events === 0) return 'Nothing was dead: nothing was queued again.';
  const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  return `Queued again: ${count(outbox, 'send', 'sends')} and ${count(events, 'event', 'events')}.`;
}

/** A note when the API listed as many of a kind as it lists: older ones are dead too, and a replay takes them. */
export function describeTruncation({ outbox = [], events = [] }) {
  if (outbox.length < DEAD_LETTERS_LISTED && events.length < DEAD_LETTERS_LISTED) return '';
  return `Only the newest ${DEAD_LETTERS_LISTED} of each are listed; a replay queues every one.`;
}

/** The ids of the dead sends' conversations not in `named` (a Map by id), once each: to load their people's names. */
export function conversationsToName(outbox, named) {
  return [...new Set(outbox.map((row) => row.conversation_id).filter((id) => id && !named.has(id)))];
}

/**
 * Who a dead letter concerns: the person of its conversation when loaded (`conversations`, the API's rows), else a
 * stand-in from the end of their id. A send names them by its conversation, an event by its page and sender.
 */
export function personOf(row, conversations) {
  const byId = row.conversation_id ? conversations.find((c) => c.id === row.conversation_id) : undefined;
  const psid = row.recipient_id ?? row.user_id;
  const found =
    byId ??
    conversations.find((c) => c.page_id === row.page_id && c.contact_external_id && c.contact_external_id === psid);
  return personName(found ?? { contact_external_id: psid });
}
