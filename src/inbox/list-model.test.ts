import { describe, expect, it } from 'vitest';
import {
  appendConversations,
  mergeConversations,
  mergeMessages,
  nextCursor,
  prependMessages,
} from './web/list-model.js';

const row = (id: string, at: number, extra: object = {}) => ({ id, last_message_at: at, ...extra });

describe('keeping the loaded list and thread in step with polls', () => {
  it('takes a short poll as the whole list', () => {
    const loaded = [row('c', 30), row('b', 20), row('a', 10)];
    expect(mergeConversations(loaded, [row('b', 40)], 50)).toEqual([row('b', 40)]);
  });

  it('keeps the rows loaded with "load more" past a full poll, without repeating one that moved up', () => {
    const loaded = [row('d', 40), row('c', 30), row('b', 20), row('a', 10)];
    const fresh = [row('a', 50), row('d', 40)];
    expect(mergeConversations(loaded, fresh, 2).map((r) => r.id)).toEqual(['a', 'd', 'c', 'b']);
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
    expect(mergeMessages(loaded, fresh)).toEqual([{ id: '01', status: 'received' }, ...fresh]);
    expect(prependMessages(fresh, [{ id: '01', status: 'received' }, fresh[0]!])).toEqual([
      { id: '01', status: 'received' },
      ...fresh,
    ]);
  });
});
