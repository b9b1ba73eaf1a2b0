import { describe, expect, it } from 'vitest';
import { createHeldReceipts } from './held-receipts.ts';

describe('held receipts', () => {
  it('gives a send recorded late the status of a receipt that covers it, by time or by id', () => {
    const held = createHeldReceipts();
    held.hold('c1', 'delivered', { sentBefore: 1_000, ids: ['m.late'] }, 5_000);
    expect(held.statusOf('c1', 'm.other', 900, 5_100)).toBe('delivered');
    expect(held.statusOf('c1', 'm.late', 2_000, 5_100)).toBe('delivered');
    // Sent after the watermark, and not named: a later message, which the receipt says nothing of.
    expect(held.statusOf('c1', 'm.other', 2_000, 5_100)).toBeUndefined();
    expect(held.statusOf('c2', 'm.late', 900, 5_100)).toBeUndefined();
  });

  it('prefers read, and keeps the furthest watermark of each kind', () => {
    const held = createHeldReceipts();
    held.hold('c1', 'delivered', { sentBefore: 3_000, ids: [] }, 5_000);
    held.hold('c1', 'read', { sentBefore: 2_000, ids: [] }, 5_000);
    held.hold('c1', 'read', { sentBefore: 1_000, ids: [] }, 5_000);
    expect(held.statusOf('c1', undefined, 1_500, 5_000)).toBe('read');
    expect(held.statusOf('c1', undefined, 2_500, 5_000)).toBe('delivered');
  });

  it('forgets receipts after a minute, and the oldest conversations beyond its size', () => {
    const held = createHeldReceipts({ ttlMs: 60_000, max: 2 });
    held.hold('c1', 'delivered', { sentBefore: 1_000, ids: [] }, 0);
    expect(held.statusOf('c1', undefined, 500, 60_001)).toBeUndefined();
    expect(held.size).toBe(0);
    for (const id of ['a', 'b', 'c']) held.hold(id, 'read', { sentBefore: 1_000, ids: [] }, 10);
    expect(held.size).toBe(2);
    expect(held.statusOf('a', undefined, 500, 20)).toBeUndefined();
    expect(held.statusOf('c', undefined, 500, 20)).toBe('read');
  });
});
