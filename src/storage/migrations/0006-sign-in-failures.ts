import type { Kysely } from 'kysely';

/**
 * `sign_in_failures`: failed sign-ins by key (an email, or an email and a client address) and time (epoch ms), which
 * every process on one database counts. Kept in each process's memory, the limits gave N processes N times the guesses.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_failures_key_at').on('sign_in_failures').columns(['key', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_failures').execute();
}
