import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FLUSH_MS } from './conversation-changes.ts';
import { createSharedChanges } from './shared-changes.ts';

/** Publishing only: nothing subscribes, so no listening session is opened and the URL is never used. */
function publisher() {
  const sent: string[][] = [];
  const state = { failing: true };
  const changes = createSharedChanges({
    databaseUrl: 'postgres://127.0.0.1:1/never-opened',
    notify: async (payloads) => {
      sent.push(payloads);
      if (state.failing) throw new Error('connect ECONNREFUSED');
    },
    logger: pino({ level: 'silent' }),
  });
  return { changes, sent, state };
}

describe('changes published through NOTIFY, while it fails', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('are sent again after a back-off, with those published meanwhile', async () => {
    const { changes, sent, state } = publisher();
    changes.publish('a');
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    expect(sent).toEqual([['["a"]']]);

    // Backing off: held, not tried again at every flush.
    changes.publish('b');
    await vi.advanceTimersByTimeAsync(900);
    expect(sent).toHaveLength(1);

    // Still failing at the second try: the next waits twice as long.
    await vi.advanceTimersByTimeAsync(100 + FLUSH_MS);
    expect(sent.at(-1)).toEqual(['["a","b"]']);
    state.failing = false;
    await vi.advanceTimersByTimeAsync(1_900);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(100 + FLUSH_MS);
    expect(sent.at(-1)).toEqual(['["a","b"]']);

    // Working again: sent at the next flush, nothing held.
    changes.publish('c');
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    expect(sent.at(-1)).toEqual(['["c"]']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(4);
    await changes.close();
  });

  it('are sent at close, without waiting for the back-off', async () => {
    const { changes, sent, state } = publisher();
    changes.publish('a');
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    changes.publish('b');
    state.failing = false;
    await changes.close();
    expect(JSON.parse(sent.at(-1)?.[0] ?? '[]').sort()).toEqual(['a', 'b']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
