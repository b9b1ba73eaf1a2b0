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
      const row = (id: string, external: string, status: string) => ({
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
      });
      await db
        .insertInto('contacts')
        .values([row('a', 'x', 'fetched'), row('b', 'y', 'fetched'), row('c', 'z', 'pending')])
        .execute();
      expect((await findContact(db, { page: 'p', external: 'x' })).rows).toEqual([{ id: 'a', first_name: null }]);
      expect((await findContact(db, { page: 'p', external: 'y' })).rows).toEqual([{ id: 'b', first_name: null }]);
      expect((await findContact(db, { page: 'p', external: 'z' })).rows).toEqual([]);
      await db.transaction().execute((tx) => rename(tx, { id: 'b', name: 'Lena', at: 2 }));
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
    });
  });
}
