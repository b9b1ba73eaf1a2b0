/**
 * How long a send paces the conversation's next message. A delay is a pause step (at most a minute) or the page's
 * delay between messages (at most a minute), summed over a few steps; ten minutes covers any sensible flow, and a
 * longer run of pauses only sends its next message early.
 */
export const PACING_MEMORY_MS = 10 * 60_000;

/**
 * When each conversation last had a message sent: its next message is paced from it. A send older than
 * PACING_MEMORY_MS paces nothing, so it is forgotten: otherwise the map would keep one entry per conversation ever
 * served, and a long-running process would run out of heap. Swept at most once per PACING_MEMORY_MS, so it holds the
 * conversations of the last two periods at most.
 */
export function createLastSends(startedAt: number) {
  const lastSentAt = new Map<string, number>();
  let lastSweep = startedAt;
  return {
    of: (conversationId: string): number | undefined => lastSentAt.get(conversationId),
    remember(conversationId: string, now: number) {
      lastSentAt.set(conversationId, now);
      if (now - lastSweep < PACING_MEMORY_MS) return;
      lastSweep = now;
      for (const [id, at] of lastSentAt) if (at <= now - PACING_MEMORY_MS) lastSentAt.delete(id);
    },
    get size() {
      return lastSentAt.size;
    },
  };
}
