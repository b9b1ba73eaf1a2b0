import type { Kysely } from 'kysely';

/**
 * `conversations.unreachable_at`: when Graph last said the person cannot be messaged (551: they blocked the page or
 * left Messenger; 100/2018001: no such person on the page). Nothing is sent there until they write again
 * (messenger-platform.md §4.2: "stop messaging this PSID"). `users.sign_in_addresses`: the addresses a user signed in
 * from lately (JSON, address → epoch ms), still heard while guesses from elsewhere are refused, across restarts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('unreachable_at', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('sign_in_addresses', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('sign_in_addresses').execute();
  await db.schema.alterTable('conversations').dropColumn('unreachable_at').execute();
}
