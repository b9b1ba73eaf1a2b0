import type { Kysely } from 'kysely';

/**
 * `conversations.thread_elsewhere_since`: since when another app of the page (Facebook's Page Inbox, say) holds the
 * person's thread, as far as the gateway knows; null while the page's own app does. The bot waits while it is set,
 * however long, and whatever the routing says: the person's messages come on standby, and it could send nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('thread_elsewhere_since', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('thread_elsewhere_since').execute();
}
