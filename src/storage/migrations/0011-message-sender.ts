import type { Kysely } from 'kysely';

/**
 * `messages.sender_id`: the inbox user who sent an agent's reply (users.id), so that a team's thread says who wrote
 * what. Null for everything else, and for replies sent before this migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('sender_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('sender_id').execute();
}
