import type { Kysely } from 'kysely';

/**
 * `messages.reaction`: the person's reaction to a message (its emoji, or Messenger's name for it), null once taken
 * back. Messenger sends reactions as events of their own; the inbox shows each under the message it is to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('reaction', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('reaction').execute();
}
