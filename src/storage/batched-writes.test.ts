import { sql, type Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { createBatchedWrites } from './batched-writes.ts';
import type { Database } from './schema.ts';

for (const kind of DATABASES) {
  describe(`batched writes on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    /** A write that inserts one user row with this email; the same email twice breaks the unique index. */
    const insertUser = (email: string) => (tx: Transaction<Database>) =>
      tx
        .insertInto('users')
        .values({ id: email, email, name: email, password_hash: 'x', role: 'agent', created_at: 0, updated_at: 0 })
        .execute();

    it('commits concurrent writes, and a failing one fails alone', async () => {
      const { db } = await open();
      const transaction = createBatchedWrites(db);
      const outcomes = await Promise.allSettled(
        ['a@x', 'b@x', 'a@x', 'c@x'].map((email) => transaction(insertUser(email))),
      );
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      const emails = await db.selectFrom('users').select('email').orderBy('email').execute();
      expect(emails.map((e) => e.email)).toEqual(['a@x', 'b@x', 'c@x']);
    });

    it.runIf(kind === 'postgres')(
      'does not run the writes again when the connection is lost as they commit (they may have committed)',
      async () => {
        const { db } = await open();
        const transaction = createBatchedWrites(db);
        let runs = 0;
        const outcomes = await Promise.allSettled([
          transaction(async (tx) => {
            runs++;
            await insertUser('a@x')(tx);
          }),
          transaction(async (tx) => {
            const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx);
            await sql`select pg_terminate_backend(${rows[0]?.pid})`.execute(db); // on another connection
            await new Promise((resolve) => setTimeout(resolve, 200)); // until the client hears of it
          }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
        expect(runs).toBe(1);
      },
    );

    it('runs as many transactions at once as it has pipelines', async () => {
      const { db, capabilities } = await open();
      const pipelines = capabilities.concurrentWriters;
      const transaction = createBatchedWrites(db, pipelines);
      let running = 0;
      let most = 0;
      // Each write holds its transaction until every pipeline has one running (or 2 s pass): on a loaded machine a
      // pipeline's first connection can take longer than another pipeline's whole batch.
      let allRunning: () => void = () => {};
      const together = new Promise<void>((resolve) => (allRunning = resolve));
      const writes = Array.from({ length: 12 }, (_, n) =>
        transaction(async (tx) => {
          most = Math.max(most, ++running);
          if (running === pipelines) allRunning();
          await insertUser(`${n}@x`)(tx);
          await Promise.race([together, new Promise((resolve) => setTimeout(resolve, 2000))]);
          running--;
        }),
      );
      await Promise.all(writes);
      expect(most).toBe(pipelines);
      expect(await db.selectFrom('users').select('id').execute()).toHaveLength(12);
    });
  });
}
