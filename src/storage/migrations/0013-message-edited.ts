import type { Kysely } from 'kysely';

/**
 * `messages.edited_at`: when the person last changed the text of their message (Messenger's `message_edits`), null
 * when never. The new text replaces the old; the content keeps the earlier ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('edited_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('edited_at').execute();
}
