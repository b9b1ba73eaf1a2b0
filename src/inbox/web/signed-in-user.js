import { createReadOrder } from './read-order.js';

/**
 * Who is signed in, read again with each poll of the team: an admin may change their role meanwhile, and the inbox
 * shows it without a reload.
 */

/** `api.me()`: reads the signed-in user (`GET /api/me`); `me`: the user as read at sign-in. */
export function createSignedInUser({ api, me }) {
  let current = me;
  const reads = createReadOrder();

  /**
   * Resolves to true when the answer was applied; `current()` is then the user it brought. The polls and a reconnect's
   * read overlap: an answer older than the newest one applied is dropped, so a role just changed never flips back.
   */
  async function refresh() {
    const mine = reads.next();
    const result = await api.me();
    if (!result.ok || !reads.apply(mine)) return false;
    current = result.value;
    return true;
  }

  return { current: () => current, refresh };
}
