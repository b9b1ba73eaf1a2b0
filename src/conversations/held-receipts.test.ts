import { describe, expect, it } from 'vitest';
import { createHeldReceipts } from './held-receipts.ts';

describe('held receipts', () => {
  it('gives a send recorded late the status of a receipt that covers it, by time or by id', () => {
    const held = createHeldReceipts();
    held.hold({ conversationId: 'c1', status: 'delivered', cover: { sentBefore: 1_000, ids: ['m.late'] } }, 5_000);
    expect(held.statusOf({ conversationId: 'c1', externalId: 'm.other', sentAt: 900 }, 5_100)).toBe('delivered');
    expect(held.statusOf({ conversationId: 'c1', externalId: 'm.late', sentAt: 2_000 }, 5_100)).toBe('delivered');
    // Sent after the watermark, and not named: a later message, which the receipt says nothing of.
    expect(held.statusOf({ conversationId: 'c1', externalId: 'm.other', sentAt: 2_000 }, 5_100)).toBeUndefined();
    expect(held.statusOf({ conversationId: 'c2', externalId: 'm.late', sentAt: 900 }, 5_100)).toBeUndefined();
  });

  it('prefers read, and keeps the furthest watermark of each kind', () => {
    const held = createHeldReceipts();
    held.hold({ conversationId: 'c1', status: 'delivered', cover: { sentBefore: 3_000, ids: [] } }, 5_000);
    held.hold({ conversationId: 'c1', status: 'read', cover: { sentBefore: 2_000, ids: [] } }, 5_000);
    held.hold({ conversationId: 'c1', status: 'read', cover: { sentBefore: 1_000, ids: [] } }, 5_000);
    expect(held.statusOf({ conversationId: 'c1', sentAt: 1_500 }, 5_000)).toBe('read');
    expect(held.statusOf({ conversationId: 'c1', sentAt: 2_500 }, 5_000)).toBe('delivered');
  });

  it('covers nothing sent after the receipt was handled, whatever the allowance of its watermark', () => {
    const held = createHeldReceipts();
    // A read with watermark 1,000 (covering up to 1,500 with the allowance for clocks), handled at 1,150.
    held.hold({ conversationId: 'c1', status: 'read', cover: { sentBefore: 1_500, ids: [] } }, 1_150);
    expect(held.statusOf({ conversationId: 'c1', sentAt: 1_100 }, 1_400)).toBe('read');
    expect(held.statusOf({ conversationId: 'c1', sentAt: 1_200 }, 1_400)).toBeUndefined();
  });

  it('forgets receipts after a minute, and the oldest conversations beyond its size', () => {
    const held = createHeldReceipts({ ttlMs: 60_000, max: 2 });
    held.hold({ conversationId: 'c1', status: 'delivered', cover: { sentBefore: 1_000, ids: [] } }, 0);
    expect(held.statusOf({ conversationId: 'c1', sentAt: 500 }, 60_001)).toBeUndefined();
    expect(held.size).toBe(0);
    for (const id of ['a', 'b', 'c'])
      held.hold({ conversationId: id, status: 'read', cover: { sentBefore: 5, ids: [] } }, 10);
    expect(held.size).toBe(2);
    expect(held.statusOf({ conversationId: 'a', sentAt: 4 }, 20)).toBeUndefined();
    expect(held.statusOf({ conversationId: 'c', sentAt: 4 }, 20)).toBe('read');
  });
});
