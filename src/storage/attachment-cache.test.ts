import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASES, type TestDatabase, useMigratedDatabase } from '../../test/support/databases.ts';
import { createAttachmentCache } from './attachment-cache.ts';
import { type DatabaseHandle, openDatabase } from './database.ts';
import { migrateTo, migrateToLatest } from './migrate.ts';

/** A signed CDN address of 5 KB, which does not compress: past PostgreSQL's 2,704 bytes for an index row. */
const LONG_URL = `https://cdn.example/menu.jpg?signature=${randomBytes(3750).toString('base64url')}`;

/** The table as migrations before 0015 left it: keyed by the URL itself. */
interface KeyedByUrl {
  attachment_cache: { page_id: string; url: string; attachment_id: string; created_at: number };
}

for (const kind of DATABASES) {
  describe(`attachment cache on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('keeps the id of a 5 KB address, reuses it after a restart and forgets it when told', async () => {
      const { db } = await open();
      const now = Date.now();
      expect(LONG_URL.length).toBeGreaterThan(5000);
      const cache = await createAttachmentCache(db, () => now);
      await cache.remember('page-1', LONG_URL, 'att-long', now);
      const restarted = await createAttachmentCache(db, () => now);
      expect(restarted.get('page-1', LONG_URL)).toBe('att-long');
      expect(restarted.get('page-2', LONG_URL)).toBeUndefined();
      await restarted.forget('page-1', LONG_URL);
      expect((await createAttachmentCache(db, () => now)).get('page-1', LONG_URL)).toBeUndefined();
    });
  });

  describe(`attachment cache keyed by digest (migration 0015) on ${kind}`, () => {
    let test: TestDatabase | undefined;
    let handle: DatabaseHandle | undefined;
    afterEach(async () => {
      await handle?.close();
      await test?.drop();
    });

    it('keeps every id cached before, in more rows than one copy step takes', async () => {
      test = await createTestDatabase(kind);
      handle = openDatabase(test.url);
      const { db } = handle;
      await migrateTo(db, '0014-page-policy-warning');
      const now = Date.now();
      const url = (n: number) => `https://cdn.example/qr-${n}.png`;
      const before = [
        ...Array.from({ length: 1000 }, (_, n) => ({ page_id: 'page-1', url: url(n), attachment_id: `att-${n}` })),
        { page_id: 'page-2', url: url(0), attachment_id: 'att-page-2' },
      ];
      await (db as unknown as Kysely<KeyedByUrl>)
        .insertInto('attachment_cache')
        .values(before.map((row) => ({ ...row, created_at: now })))
        .execute();

      await migrateToLatest(db);
      const cache = await createAttachmentCache(db, () => now);
      expect(before.map((row) => cache.get(row.page_id, row.url))).toEqual(before.map((row) => row.attachment_id));
    });
  });
}
