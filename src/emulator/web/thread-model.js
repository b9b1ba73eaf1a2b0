/**
 * Pure functions that turn the emulator's ThreadItems into what the thread shows: which items are
 * bubbles, how they group, where time labels go, which quick replies are live, reactions per message.
 * No DOM here, so the rules read in one place.
 */
import { GROUP_GAP_MS, SEPARATOR_GAP_MS } from './time.js';

/** Epoch milliseconds from a number, a numeric string or an ISO date. */
export function toMillis(timestamp) {
  if (typeof timestamp === 'number') return timestamp;
  if (typeof timestamp === 'string' && /^\d+$/.test(timestamp)) return Number(timestamp);
  const parsed = Date.parse(timestamp);
  return Number.isNaN(parsed) ? 0 : parsed;
}

/** The message id other events (reactions, statuses) refer to. */
export function itemMid(item) {
  return item.message?.mid ?? item.mid ?? item.id;
}

/** A reaction event rather than a message: it decorates another bubble instead of drawing one. */
export function isReactionEvent(item) {
  return Boolean(item.reaction) && !item.message && !item.postback;
}

/**
 * Whether Messenger offers Edit on this item at `now` (the emulator's clock). The emulator gives the person's own
 * typed texts `editable_until` and `edits_left` from its edit rules (edit-rules.ts); nothing else can be edited.
 */
export function isEditable(item, now) {
  return item.edits_left > 0 && now <= item.editable_until;
}

/** The next instant after `now` at which an Edit button goes because its time is up; undefined if none will. */
export function nextEditExpiry(items, now) {
  let next;
  for (const item of items) {
    if (isEditable(item, now) && (next === undefined || item.editable_until < next)) next = item.editable_until;
  }
  return next === undefined ? undefined : next + 1;
}

/** Items drawn as bubbles, in order. */
export function bubbleItems(items) {
  return items.filter((item) => !isReactionEvent(item) && (item.message || item.postback));
}

/**
 * The thread as rows: `{kind: 'separator', key, timestamp}` before the first bubble and after long
 * gaps, and `{kind: 'bubble', key, item, first, last}` where first/last mark the ends of a group of
 * consecutive bubbles from the same side.
 */
export function layoutRows(items) {
  const bubbles = bubbleItems(items);
  const rows = [];
  bubbles.forEach((item, i) => {
    const prev = bubbles[i - 1];
    const next = bubbles[i + 1];
    const at = toMillis(item.timestamp);
    const separated = !prev || at - toMillis(prev.timestamp) > SEPARATOR_GAP_MS;
    if (separated) rows.push({ kind: 'separator', key: `sep:${item.id}`, timestamp: at });
    const joinsPrev = !separated && prev.from === item.from && at - toMillis(prev.timestamp) <= GROUP_GAP_MS;
    const joinsNext = next?.from === item.from && toMillis(next.timestamp) - at <= GROUP_GAP_MS;
    rows.push({ kind: 'bubble', key: item.id, item, first: !joinsPrev, last: !joinsNext });
  });
  return rows;
}

/**
 * The quick replies to show: those of the last bubble when the page sent it and the person has not
 * tapped one of them yet (`dismissedId`). Messenger drops them as soon as anything follows.
 */
export function liveQuickReplies(items, dismissedId) {
  const bubbles = bubbleItems(items);
  const last = bubbles[bubbles.length - 1];
  const replies = last?.from === 'page' ? last.message?.quick_replies : undefined;
  if (!Array.isArray(replies) || replies.length === 0 || last.id === dismissedId) return undefined;
  return { item: last, replies };
}

/** The id of the person's last bubble: the one that carries the sent/delivered/read mark. */
export function statusCarrierId(items) {
  const bubbles = bubbleItems(items);
  for (let i = bubbles.length - 1; i >= 0; i--) {
    if (bubbles[i].from === 'person') return bubbles[i].id;
  }
  return undefined;
}

/**
 * Reactions per message id: `Map<mid, Map<from, emoji>>`. Accepts a `reaction` stored on the
 * reacted message itself (`{reaction?, emoji, by}`, what the emulator keeps) and, in case a
 * backend records them as their own items, reaction events (`{reaction: {mid, action, emoji}}`).
 */
export function reactionsByMid(items) {
  const result = new Map();
  const set = (mid, from, emoji) => {
    if (!result.has(mid)) result.set(mid, new Map());
    if (emoji) result.get(mid).set(from, emoji);
    else result.get(mid).delete(from);
  };
  for (const item of items) {
    const r = item.reaction;
    if (!r) continue;
    if (isReactionEvent(item)) {
      set(r.mid ?? r.message_id, item.from, r.action === 'unreact' ? undefined : emojiOf(r));
    } else {
      const other = item.from === 'page' ? 'person' : 'page';
      set(itemMid(item), (typeof r === 'object' && (r.by ?? r.from)) || other, emojiOf(r));
    }
  }
  return result;
}

function emojiOf(reaction) {
  if (typeof reaction === 'string') return reaction;
  return reaction.emoji ?? REACTION_EMOJI[reaction.reaction];
}

/** Messenger's reaction names and the emoji the person picks them with (messenger-platform.md §2.8). */
export const REACTION_EMOJI = {
  love: '\u2764\ufe0f',
  smile: '\u{1F606}',
  wow: '\u{1F62E}',
  sad: '\u{1F622}',
  angry: '\u{1F620}',
  like: '\u{1F44D}',
  dislike: '\u{1F44E}',
};
