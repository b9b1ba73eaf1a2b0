import { type Kysely, sql } from 'kysely';

/**
 * `conversation_reads`: how far each inbox user has read each conversation (a message id; ids sort by time), for the
 * list's unread counts. `users.unread_from`: where a user's counts begin in a conversation they never opened, so
 * that the history from before (before this migration, or before they joined) does not all show as unread. No index
 * on the list's order: every turn moves its conversation's `last_message_at`, and an index on it would cost a write
 * per event; the list picks its page of rows first instead (inbox-queries.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversation_reads')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('read_up_to', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_reads_pk', ['user_id', 'conversation_id'])
    .execute();
  await db.schema.alterTable('users').addColumn('unread_from', 'bigint').execute();
  await sql`update users set unread_from = ${Date.now()}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('unread_from').execute();
  await db.schema.dropTable('conversation_reads').execute();
}
