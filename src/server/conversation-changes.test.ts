import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ChangeNotice, createLocalChanges, FLUSH_MS } from './conversation-changes.ts';

describe('the changes of one process', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('are told once per burst, each conversation once, to every subscriber', async () => {
    const changes = createLocalChanges();
    const first: ChangeNotice[] = [];
    const second: ChangeNotice[] = [];
    await changes.subscribe((n) => first.push(n));
    const unsubscribe = await changes.subscribe((n) => second.push(n));
    for (const id of ['a', 'b', 'a']) changes.publish(id);
    expect(first).toEqual([]);
    vi.advanceTimersByTime(FLUSH_MS);
    expect(first).toEqual([{ type: 'changed', conversations: ['a', 'b'] }]);
    expect(second).toEqual(first);

    unsubscribe();
    changes.publish('c');
    vi.advanceTimersByTime(FLUSH_MS);
    expect(first.at(-1)).toEqual({ type: 'changed', conversations: ['c'] });
    expect(second).toHaveLength(1);
    await changes.close();
  });

  it('gather nothing while nobody listens, and nothing once closed', async () => {
    const changes = createLocalChanges();
    changes.publish('before');
    const heard: ChangeNotice[] = [];
    await changes.subscribe((n) => heard.push(n));
    vi.advanceTimersByTime(FLUSH_MS);
    expect(heard).toEqual([]);
    changes.publish('after');
    await changes.close();
    vi.advanceTimersByTime(FLUSH_MS);
    expect(heard).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
