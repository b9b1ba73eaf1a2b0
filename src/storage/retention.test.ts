import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { ATTACHMENT_ID_MAX_AGE_MS, createAttachmentCache } from './attachment-cache.ts';
import { insertInboundEvents, quarantine } from './inbound-event-repository.ts';
import { EVENT_RETENTION_MS, purgeExpired } from './retention.ts';

const DAY = 24 * 60 * 60_000;
/** Ids follow the clock and never go back within a process: each test starts after every time an earlier one used. */
let clock = Date.now();
const start = () => {
  clock += 100 * DAY;
  return clock;
};

/** A message event of the person, by its id. */
const event = (mid: string) => ({
  kind: 'message' as const,
  mid,
  attachments: [],
  key: `m:${mid}`,
  page_id: '1',
  user_id: '2',
  timestamp: 1_767_225_600_000,
  standby: false,
});

for (const kind of DATABASES) {
  describe(`retention on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('deletes handled events after a week, keeps newer ones (redeliveries still dropped) and never pending ones', async () => {
      const { db } = await open();
      const now = start();
      // Stored now (ids follow the clock), purged eight days later.
      const later = now + 8 * DAY;
      const [old, recent, pending] = await insertInboundEvents(
        db,
        [event('old'), event('recent'), event('pending')],
        now,
      );
      await db
        .updateTable('inbound_events')
        .set({ status: 'done', processed_at: now })
        .where('id', '=', old?.id as string)
        .execute();
      await db
        .updateTable('inbound_events')
        .set({ status: 'done', processed_at: later - DAY })
        .where('id', '=', recent?.id as string)
        .execute();
      expect(await purgeExpired(db, later)).toEqual({ events: 1, quarantined: 0, attachmentIds: 0 });
      const left = await db.selectFrom('inbound_events').select('id').orderBy('id').execute();
      expect(left.map((r) => r.id)).toEqual([recent?.id, pending?.id]);
      expect(await insertInboundEvents(db, [event('recent')], later)).toEqual([undefined]);
      // A week, as the name says: at least the 24 hours design.md promises redeliveries are dropped for.
      expect(EVENT_RETENTION_MS).toBe(7 * DAY);
    });

    it('deletes in steps until nothing old is left, and keeps an old event handled lately for a week from then', async () => {
      const { db } = await open();
      const now = start();
      // Oldest first: ids follow the clock.
      await quarantine(db, [{ reason: 'malformed JSON', body: '{' }], now - 31 * DAY);
      const mids = ['a', 'b', 'c', 'd', 'e', 'replayed'];
      const stored = await insertInboundEvents(db, mids.map(event), now - 9 * DAY);
      await db
        .updateTable('inbound_events')
        .set({ status: 'done', processed_at: now - 8 * DAY })
        .execute();
      // A dead event replayed yesterday: stored nine days ago, handled a day ago.
      const replayed = stored[5]?.id as string;
      await db
        .updateTable('inbound_events')
        .set({ processed_at: now - DAY })
        .where('id', '=', replayed)
        .execute();
      await quarantine(db, [{ reason: 'malformed JSON', body: '{' }], now - DAY);

      // Counts the statements: five events go in three steps of at most two, then one for the quarantine and one for
      // the attachment ids.
      let deletes = 0;
      const counting = db.withPlugin({
        transformQuery: ({ node }) => {
          if (node.kind === 'DeleteQueryNode') deletes++;
          return node;
        },
        transformResult: async ({ result }) => result,
      });
      expect(await purgeExpired(counting, now, 2)).toEqual({ events: 5, quarantined: 1, attachmentIds: 0 });
      expect(deletes).toBe(5);
      const left = await db.selectFrom('inbound_events').select('id').execute();
      expect(left.map((r) => r.id)).toEqual([replayed]);
      expect(await db.selectFrom('webhook_quarantine').select('received_at').execute()).toEqual([
        { received_at: now - DAY },
      ]);
    });
    it('deletes attachment ids too old to use, which a restart no longer loads', async () => {
      const { db } = await open();
      const now = start();
      let clock = now;
      const cache = await createAttachmentCache(db, () => clock);
      await cache.remember('page-1', 'https://cdn.example/old.png', 'att-old', now - ATTACHMENT_ID_MAX_AGE_MS - DAY);
      await cache.remember('page-1', 'https://cdn.example/new.png', 'att-new', now - DAY);
      expect(cache.get('page-1', 'https://cdn.example/old.png')).toBeUndefined();
      const restarted = await createAttachmentCache(db, () => clock);
      expect(restarted.get('page-1', 'https://cdn.example/new.png')).toBe('att-new');
      expect(await purgeExpired(db, now)).toEqual({ events: 0, quarantined: 0, attachmentIds: 1 });
      const left = await db.selectFrom('attachment_cache').select('attachment_id').execute();
      expect(left.map((r) => r.attachment_id)).toEqual(['att-new']);
      clock = now + 2 * DAY;
      expect(restarted.get('page-1', 'https://cdn.example/new.png')).toBe('att-new');
    });

    it('keeps the most recently used attachment ids in memory, a bounded number, and loads the newest at start', async () => {
      const { db } = await open();
      const now = start();
      const url = (n: number) => `https://cdn.example/qr-${n}.png`;
      const cache = await createAttachmentCache(db, () => now, 3);
      for (let n = 1; n <= 3; n++) await cache.remember('page-1', url(n), `att-${n}`, now - (10 - n) * DAY);
      expect(cache.get('page-1', url(1))).toBe('att-1'); // Used: the least recent is now the second.
      await cache.remember('page-1', url(4), 'att-4', now);
      expect([1, 2, 3, 4].map((n) => cache.get('page-1', url(n)))).toEqual(['att-1', undefined, 'att-3', 'att-4']);
      // Every row stays stored; a start loads the newest three.
      expect(await db.selectFrom('attachment_cache').select('url_sha256').execute()).toHaveLength(4);
      const restarted = await createAttachmentCache(db, () => now, 3);
      expect([1, 2, 3, 4].map((n) => restarted.get('page-1', url(n)))).toEqual([undefined, 'att-2', 'att-3', 'att-4']);
    });
  });
}
