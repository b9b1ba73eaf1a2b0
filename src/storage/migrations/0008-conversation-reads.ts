import { type Kysely, sql } from 'kysely';

/**
 * `conversation_reads`: how far each inbox user has read each conversation (a message id; ids sort by time), for the
 * list's unread counts. `users.unread_from`: where a user's counts begin in a conversation they never opened, so
 * that the history from before (before this migration, or before they joined) does not all show as unread.
 * `conversations_recent`: the list's order, so that a page of it reads only its own rows, and the per-row counts run
 * for those alone.
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
  await db.schema.createIndex('conversations_recent').on('conversations').columns(['last_message_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('conversations_recent').execute();
  await db.schema.alterTable('users').dropColumn('unread_from').execute();
  await db.schema.dropTable('conversation_reads').execute();
}
