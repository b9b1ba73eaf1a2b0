/** The views the address's hash names. Pure: unit tested in Node. */

/**
 * `#/pages` → `{view: 'pages'}`; `#/team` → `{view: 'team'}`; `#/c/<id>` → `{view: 'conversations', id}`; anything else → the list. An id that is
 * empty, `.` or `..` (a path segment the URL parser would resolve, `/api/conversations/..` being `/api/`) or not valid
 * percent-encoding names no conversation: the list shows, and nothing throws.
 */
export function parseRoute(hash) {
  const path = String(hash ?? '').replace(/^#\/?/, '');
  if (path === 'pages' || path === 'team') return { view: path };
  if (!path.startsWith('c/')) return { view: 'conversations' };
  let id;
  try {
    id = decodeURIComponent(path.slice(2));
  } catch {
    return { view: 'conversations' };
  }
  if (id === '' || id === '.' || id === '..') return { view: 'conversations' };
  return { view: 'conversations', id };
}

/**
 * Whether a hash names a view: empty or starting with `#/`. Another (`#app`, the skip link's target) only moves the
 * focus, and leaves the view as it is.
 */
export function isRoute(hash) {
  const value = String(hash ?? '');
  return value === '' || value === '#' || value.startsWith('#/');
}

/** The hash of a conversation's view. */
export function conversationHref(id) {
  return `#/c/${encodeURIComponent(id)}`;
}
