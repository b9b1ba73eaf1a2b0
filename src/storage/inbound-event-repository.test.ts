import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import type { InboundEvent } from '../conversations/inbound-event.ts';
import {
  countPendingEvents,
  insertInboundEvents,
  loadPendingBefore,
  loadPendingEvents,
  recordEventFailure,
} from './inbound-event-repository.ts';

const PAGE = '104857392018475';

function message(n: number): InboundEvent {
  return {
    kind: 'message',
    page_id: PAGE,
    user_id: `psid-${n % 7}`,
    key: `m_${n}`,
    mid: `m_${n}`,
    timestamp: 1_700_000_000_000 + n,
    text: `message ${n}`,
    attachments: [],
    standby: false,
  } as unknown as InboundEvent;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => message(from + i));

for (const kind of DATABASES) {
  describe(`inbound events on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('counts the pending events, up to a limit', async () => {
      const { db } = await open();
      const stored = await insertInboundEvents(db, range(0, 5), 1_000);
      await db
        .updateTable('inbound_events')
        .set({ status: 'done' })
        .where('id', '=', stored[0]?.id as string)
        .execute();
      expect(await countPendingEvents(db, 100)).toBe(4);
      expect(await countPendingEvents(db, 3)).toBe(3);
    });

    it('records a failure whose text holds a NUL, which PostgreSQL cannot store: the event is not retried for ever', async () => {
      const { db } = await open();
      const [stored] = await insertInboundEvents(db, range(0, 1), 1_000);
      expect(await recordEventFailure(db, stored?.id as string, 'bad byte \0 in an answer', true, 2_000)).toBe(true);
      const row = await db.selectFrom('inbound_events').select(['status', 'error']).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'dead', error: 'bad byte  in an answer' });
    });

    it('stores batches of any size once each, in order, and recognises redeliveries among new events', async () => {
      const { db } = await open();
      // 1 row, 3 rows, then 450 rows (more than one statement's chunk): each size has its own compiled insert.
      for (const batch of [range(0, 1), range(1, 4), range(4, 454)]) {
        const stored = await insertInboundEvents(db, batch, 1_000);
        expect(stored.every((s) => s !== undefined)).toBe(true);
      }
      const again = await insertInboundEvents(db, [message(2), message(454), message(300), message(455)], 2_000);
      expect(again.map((s) => s?.event.key)).toEqual([undefined, 'm_454', undefined, 'm_455']);

      const pending = await loadPendingEvents(db, 1_000);
      expect(pending.map((e) => e.event)).toEqual(range(0, 456));
      expect(pending.map((e) => e.received_at)).toEqual([...Array(454).fill(1_000), 2_000, 2_000]);
    });

    it("finds the person's events stored before these and still pending, and no one else's", async () => {
      const { db } = await open();
      // Messages 0, 7 and 14 are one person's (psid-0); 1 is another's. 0 is handled already.
      const stored = await insertInboundEvents(db, [message(0), message(1), message(7)], 1_000);
      const later = await insertInboundEvents(db, [message(14)], 2_000);
      await db
        .updateTable('inbound_events')
        .set({ status: 'done' })
        .where('id', '=', stored[0]?.id as string)
        .execute();
      const earlier = await loadPendingBefore(
        db,
        later.filter((e) => e !== undefined),
      );
      expect(earlier.map((e) => e.event.key)).toEqual(['m_7']);
      expect(
        await loadPendingBefore(
          db,
          stored.slice(1, 2).filter((e) => e !== undefined),
        ),
      ).toEqual([]);
    });
  });
}
