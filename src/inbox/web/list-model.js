/**
 * Keeping what the inbox has loaded in step with what polling brings, without losing pages loaded with "load more"
 * or older messages. Pure: unit tested in Node.
 */

/** Conversations come newest first by `last_message_at`, then `id` (the API's order and cursor). */
export function newerFirst(a, b) {
  if (a.last_message_at !== b.last_message_at) return b.last_message_at - a.last_message_at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The list after a poll. `fresh` is the newest `limit` rows under `filter`. When it is shorter than `limit` it is the
 * whole list. Otherwise the rows loaded earlier that sort after its last row are kept, minus the ones it holds (a
 * conversation that moved up) and those that no longer match `filter`; but only when `fresh` reaches the loaded rows
 * (one of them sorts at or before its last row). When it does not, rows arrived between the two that nobody loaded:
 * the loaded tail is dropped rather than kept behind a silent gap, and "load more" brings it back.
 */
export function mergeConversations(loaded, fresh, { limit, filter = {} }) {
  if (fresh.length < limit) return fresh.slice();
  const seen = new Set(fresh.map((row) => row.id));
  const last = fresh[fresh.length - 1];
  if (!loaded.some((row) => newerFirst(row, last) <= 0)) return fresh.slice();
  const older = loaded.filter((row) => !seen.has(row.id) && newerFirst(last, row) < 0 && matchesFilter(row, filter));
  return [...fresh, ...older];
}

/**
 * Whether a row belongs in the list under `filter` (`{page_id, routing, flagged, assignee}`, empty values match
 * anything; `assignee` is a user id or `none`). A
 * search is the server's to answer (a row may match by any of its messages), and a row it found stays found.
 */
export function matchesFilter(row, filter) {
  if (filter.page_id && row.page_id !== filter.page_id) return false;
  if (filter.routing && row.routing !== filter.routing) return false;
  if (filter.flagged && !row.flagged) return false;
  if (filter.assignee && (row.assignee_id ?? 'none') !== filter.assignee) return false;
  return true;
}

/** The rows of a "load more" page added after those loaded; a row already there is not repeated. */
export function appendConversations(loaded, page) {
  const seen = new Set(loaded.map((row) => row.id));
  return [...loaded, ...page.filter((row) => !seen.has(row.id))];
}

/**
 * The rows after those named in `ids` were read again: each one `fresh` holds replaces its loaded row, and the others
 * go (they no longer match the filter). Rows not named stay as they are.
 */
export function replaceConversations(loaded, ids, fresh) {
  const named = new Set(ids);
  const byId = new Map(fresh.map((row) => [row.id, row]));
  return loaded.flatMap((row) => (named.has(row.id) ? (byId.has(row.id) ? [byId.get(row.id)] : []) : [row]));
}

/** The API's cursor for the next page after these rows: `{before, before_id}`, or undefined for an empty list. */
export function nextCursor(rows) {
  const last = rows[rows.length - 1];
  return last ? { before: last.last_message_at, before_id: last.id } : undefined;
}

/**
 * A thread after a poll of its newest `limit` messages. Message ids sort by time, oldest first. The fresh ones replace
 * those with the same id (a status that moved on), and older loaded messages stay in front; but only when `fresh`
 * reaches them. A full page that does not means more than `limit` messages came since the last load: the loaded ones
 * are dropped (`olderDropped`) rather than kept behind a silent gap, and "load older" brings them back.
 */
export function mergeMessages(loaded, fresh, { limit }) {
  if (fresh.length === 0) return { messages: loaded.slice(), olderDropped: false };
  const first = fresh[0].id;
  if (fresh.length >= limit && !loaded.some((m) => m.id >= first)) {
    return { messages: fresh.slice(), olderDropped: loaded.length > 0 };
  }
  const byId = new Set(fresh.map((m) => m.id));
  const older = loaded.filter((m) => m.id < first && !byId.has(m.id));
  return { messages: [...older, ...fresh], olderDropped: false };
}

/** Older messages put in front of those loaded. */
export function prependMessages(loaded, older) {
  const seen = new Set(loaded.map((m) => m.id));
  return [...older.filter((m) => !seen.has(m.id)), ...loaded];
}

/** A key telling whether a row changed since it was drawn: the thread and the list redraw only what moved on. */
export function rowSignature(row) {
  return JSON.stringify(row);
}
