import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASES, type TestDatabase } from '../../test/support/databases.ts';
import { type DatabaseHandle, openDatabase } from './database.ts';
import { migrateToLatest, migrationsAreCurrent } from './migrate.ts';

for (const kind of DATABASES) {
  describe(`migrations on ${kind}`, () => {
    let test: TestDatabase | undefined;
    let handle: DatabaseHandle | undefined;
    afterEach(async () => {
      await handle?.close();
      await test?.drop();
    });

    it('roll back a run that fails part-way, so that the next start runs it again', async () => {
      test = await createTestDatabase(kind);
      handle = openDatabase(test.url);
      const { db } = handle;
      // Takes the name of an index a later migration creates: that migration fails after adding its columns.
      await sql`create table squatter (a integer)`.execute(db);
      await sql`create index messages_client_key on squatter (a)`.execute(db);
      await expect(migrateToLatest(db)).rejects.toThrow(/migration 0003-settings-profile-sent-at-client-key failed/);

      await sql`drop index messages_client_key`.execute(db);
      await migrateToLatest(db);
      expect(await migrationsAreCurrent(db)).toBe(true);
    });
  });
}
