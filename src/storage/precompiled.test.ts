import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { precompiled } from './precompiled.ts';

const findContact = precompiled((db, v: { page: string; external: string }) =>
  db
    .selectFrom('contacts')
    .select(['id', 'first_name'])
    .where('page_id', '=', v.page)
    .where('external_id', '=', v.external)
    .where('profile_status', '=', 'fetched'),
);
const rename = precompiled((db, v: { id: string; name?: string | null; at: number }) =>
  db.updateTable('contacts').set({ first_name: v.name, updated_at: v.at }).where('id', '=', v.id),
);

for (const kind of DATABASES) {
  describe(`precompiled queries on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('runs with new values each time, fixed values kept, inside and outside transactions', async () => {
      const { db } = await open();
      await db
        .insertInto('contacts')
        .values([contact('a', 'x', 'fetched'), contact('b', 'y', 'fetched'), contact('c', 'z', 'pending')])
        .execute();
      expect((await findContact(db, { page: 'p', external: 'x' })).rows).toEqual([{ id: 'a', first_name: null }]);
      expect((await findContact(db, { page: 'p', external: 'y' })).rows).toEqual([{ id: 'b', first_name: null }]);
      expect((await findContact(db, { page: 'p', external: 'z' })).rows).toEqual([]);
      await db.transaction().execute(async (tx) => rename(tx, { id: 'b', name: 'Lena', at: 2 }));
      await rename(db, { id: 'a', name: null, at: 3 });
      const all = await db.selectFrom('contacts').select(['id', 'first_name', 'updated_at']).orderBy('id').execute();
      expect(all).toEqual([
        { id: 'a', first_name: null, updated_at: 3 },
        { id: 'b', first_name: 'Lena', updated_at: 2 },
        { id: 'c', first_name: null, updated_at: 1 },
      ]);
      // An undefined value leaves its column out, as Kysely's `set` does (another template, same query).
      await rename(db, { id: 'b', name: undefined, at: 4 });
      expect(
        await db.selectFrom('contacts').select(['first_name', 'updated_at']).where('id', '=', 'b').execute(),
      ).toEqual([{ first_name: 'Lena', updated_at: 4 }]);
      // Back to every key (the template of the call before is not reused), and the same keys in another order.
      await rename(db, { id: 'b', name: 'Ada', at: 5 });
      await rename(db, { at: 6, name: 'Eve', id: 'c' });
      expect(
        await db.selectFrom('contacts').select(['id', 'first_name', 'updated_at']).orderBy('id').execute(),
      ).toEqual([
        { id: 'a', first_name: null, updated_at: 3 },
        { id: 'b', first_name: 'Ada', updated_at: 5 },
        { id: 'c', first_name: 'Eve', updated_at: 6 },
      ]);
    });

    /** A fresh database with one contact, Ada. */
    async function withAda() {
      const { db } = await open();
      await db
        .insertInto('contacts')
        .values({ ...contact('a', 'x', 'fetched'), first_name: 'Ada' })
        .execute();
      return db;
    }

    it('answers inside a transaction as Kysely does, and is rolled back with it', async () => {
      const db = await withAda();
      const seen = await db.transaction().execute(async (tx) => ({
        found: (await findContact(tx, { page: 'p', external: 'x' })).rows,
        renamed: (await rename(tx, { id: 'a', name: 'Lena', at: 2 })).numAffectedRows,
        missing: (await rename(tx, { id: 'nobody', name: 'Max', at: 2 })).numAffectedRows,
      }));
      expect(seen).toEqual({ found: [{ id: 'a', first_name: 'Ada' }], renamed: 1n, missing: 0n });
      const failed = db.transaction().execute(async (tx) => {
        await rename(tx, { id: 'a', name: 'Zoe', at: 3 });
        throw new Error('the turn failed');
      });
      await expect(failed).rejects.toThrow('the turn failed');
      expect((await findContact(db, { page: 'p', external: 'x' })).rows).toEqual([{ id: 'a', first_name: 'Lena' }]);
    });

    it('outside a transaction, does not read what another open transaction has not committed', async () => {
      const db = await withAda();
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let written = () => {};
      const renamed = new Promise<void>((resolve) => (written = resolve));
      const writing = db.transaction().execute(async (tx) => {
        await rename(tx, { id: 'a', name: 'Lena', at: 2 });
        written();
        await held;
        throw new Error('rolled back');
      });
      await renamed; // The rename is written, not committed.
      const reading = findContact(db, { page: 'p', external: 'x' });
      release();
      await expect(writing).rejects.toThrow('rolled back');
      expect((await reading).rows).toEqual([{ id: 'a', first_name: 'Ada' }]);
    });
  });
}

function contact(id: string, external: string, status: string) {
  return {
    id,
    page_id: 'p',
    external_id: external,
    first_name: null,
    last_name: null,
    profile_pic: null,
    locale: null,
    timezone: null,
    profile_status: status,
    created_at: 1,
    updated_at: 1,
  };
}
