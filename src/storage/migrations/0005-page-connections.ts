import type { Kysely } from 'kysely';

/**
 * `pages.connected_by`, `pages.connected_at`: the app-scoped id of the Facebook user whose login gave a connected page
 * its token, and when; a deauthorize or data deletion callback for that user removes the page. `data_deletion_requests`:
 * the confirmation codes Facebook was given, so that the status address can answer for them. It keeps no user id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pages').addColumn('connected_by', 'text').execute();
  await db.schema.alterTable('pages').addColumn('connected_at', 'bigint').execute();
  await db.schema
    .createTable('data_deletion_requests')
    .addColumn('confirmation_code', 'text', (c) => c.primaryKey())
    .addColumn('pages_removed', 'integer', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('data_deletion_requests').execute();
  await db.schema.alterTable('pages').dropColumn('connected_at').execute();
  await db.schema.alterTable('pages').dropColumn('connected_by').execute();
}
