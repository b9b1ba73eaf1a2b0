import type { Kysely } from 'kysely';

/**
 * `conversations.assignee_id`: the inbox user a conversation is assigned to (null: nobody), so that a team splits its
 * conversations and each agent finds theirs. No index: the list picks its page of rows by time, as for its other
 * filters (inbox-queries.ts), and an index would be one more write for every turn that touches the row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('assignee_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('assignee_id').execute();
}
