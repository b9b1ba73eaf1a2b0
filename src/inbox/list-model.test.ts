import { describe, expect, it } from 'vitest';
import {
  appendConversations,
  matchesFilter,
  mergeConversations,
  mergeMessages,
  nextCursor,
  prependMessages,
  replaceConversations,
} from './web/list-model.js';

const row = (id: string, at: number, extra: object = {}) => ({ id, last_message_at: at, ...extra });

describe('keeping the loaded list and thread in step with polls', () => {
  it('takes a short poll as the whole list', () => {
    const loaded = [row('c', 30), row('b', 20), row('a', 10)];
    expect(mergeConversations(loaded, [row('b', 40)], { limit: 50 })).toEqual([row('b', 40)]);
  });

  it('keeps the rows loaded with "load more" past a full poll, without repeating one that moved up', () => {
    const loaded = [row('d', 40), row('c', 30), row('b', 20), row('a', 10)];
    const fresh = [row('a', 50), row('d', 40)];
    expect(mergeConversations(loaded, fresh, { limit: 2 }).map((r) => r.id)).toEqual(['a', 'd', 'c', 'b']);
  });

  it('drops the loaded rows when a full poll does not reach them, rather than keep a gap before them', () => {
    // Three conversations arrived since the last poll; only two came back, and the third is nowhere.
    const loaded = [row('b', 20), row('a', 10)];
    const fresh = [row('e', 50), row('d', 40)];
    expect(mergeConversations(loaded, fresh, { limit: 2 }).map((r) => r.id)).toEqual(['e', 'd']);
  });

  it('drops loaded rows that no longer match the filter', () => {
    const loaded = [
      row('c', 30, { routing: 'bot' }),
      row('b', 20, { routing: 'human' }),
      row('a', 10, { routing: 'bot' }),
    ];
    const fresh = [row('d', 40, { routing: 'bot' }), row('c', 30, { routing: 'bot' })];
    const merged = mergeConversations(loaded, fresh, { limit: 2, filter: { routing: 'bot' } });
    expect(merged.map((r) => r.id)).toEqual(['d', 'c', 'a']);
  });

  it('replaces the rows read again, drops those that came back no more, and leaves the others', () => {
    const loaded = [row('c', 30), row('b', 20, { flagged: false }), row('a', 10)];
    const replaced = replaceConversations(loaded, ['b', 'a'], [row('b', 20, { flagged: true })]);
    expect(replaced).toEqual([row('c', 30), row('b', 20, { flagged: true })]);
    expect(loaded).toHaveLength(3);
  });

  it('matches rows against the page, routing and flag filters', () => {
    const r = row('a', 1, { page_id: 'p1', routing: 'human', flagged: false });
    expect(matchesFilter(r, {})).toBe(true);
    expect(matchesFilter(r, { page_id: 'p1', routing: 'human' })).toBe(true);
    expect(matchesFilter(r, { page_id: 'p2' })).toBe(false);
    expect(matchesFilter(r, { routing: 'bot' })).toBe(false);
    expect(matchesFilter(r, { flagged: true })).toBe(false);
    expect(matchesFilter(r, { assignee: 'none' })).toBe(true);
    expect(matchesFilter(r, { assignee: 'u1' })).toBe(false);
    const mine = { ...r, assignee_id: 'u1' };
    expect(matchesFilter(mine, { assignee: 'u1' })).toBe(true);
    expect(matchesFilter(mine, { assignee: 'u2' })).toBe(false);
    expect(matchesFilter(mine, { assignee: 'none' })).toBe(false);
  });

  it('pages on with the last row’s time and id, and appends without duplicates', () => {
    const loaded = [row('b', 20), row('a', 20)];
    expect(nextCursor(loaded)).toEqual({ before: 20, before_id: 'a' });
    expect(nextCursor([])).toBeUndefined();
    expect(appendConversations(loaded, [row('a', 20), row('0', 10)]).map((r) => r.id)).toEqual(['b', 'a', '0']);
  });

  it('updates messages whose status moved on and keeps older ones loaded before', () => {
    const loaded = [
      { id: '01', status: 'received' },
      { id: '02', status: 'pending' },
    ];
    const fresh = [
      { id: '02', status: 'delivered' },
      { id: '03', status: 'received' },
    ];
    expect(mergeMessages(loaded, fresh, { limit: 2 })).toEqual({
      messages: [{ id: '01', status: 'received' }, ...fresh],
      olderDropped: false,
    });
    expect(prependMessages(fresh, [{ id: '01', status: 'received' }, fresh[0]!])).toEqual([
      { id: '01', status: 'received' },
      ...fresh,
    ]);
  });

  it('drops the loaded messages when a full page of newer ones does not reach them, rather than leave a gap', () => {
    const message = (n: number) => ({ id: String(n).padStart(3, '0') });
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
    // 1–50 loaded, then 60 more came: the newest 50 are 61–110, and 51–60 were never loaded.
    expect(mergeMessages(range(1, 50), range(61, 110), { limit: 50 })).toEqual({
      messages: range(61, 110),
      olderDropped: true,
    });
    // 40 more came: the page reaches the loaded ones, and all 90 are kept.
    expect(mergeMessages(range(1, 50), range(41, 90), { limit: 50 }).messages).toEqual(range(1, 90));
  });
});
