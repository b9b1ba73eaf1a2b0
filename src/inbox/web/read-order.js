/**
 * Reads of one thing overlap (polls, a view opened, a reconnect, the read after a change made here): each has a number,
 * and an answer older than one applied is dropped, so what was just shown never flips back.
 */
export function createReadOrder() {
  let issued = 0;
  let applied = 0;
  return {
    /** Numbers a read about to be asked. */
    next: () => ++issued,
    /** Whether read `n`'s answer is older than one applied. */
    isStale: (n) => n < applied,
    /** Applies read `n`'s answer unless it is older than one applied: says whether it is to be used. */
    apply(n) {
      if (n < applied) return false;
      applied = n;
      return true;
    },
    /** A change made here, newer than every read under way: their answers are dropped. */
    supersede() {
      applied = ++issued;
    },
  };
}
