import type { Kysely } from 'kysely';

/**
 * `pages.subscription_status` and `profile_sync_status`: how the gateway's last try to subscribe the app to the page's
 * webhooks, and to make its Messenger profile match the configuration, went (JSON `UpkeepStatus`), for the inbox's
 * Pages tab. Until then only the logs said that a page sends no webhooks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pages').addColumn('subscription_status', 'text').execute();
  await db.schema.alterTable('pages').addColumn('profile_sync_status', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pages').dropColumn('profile_sync_status').execute();
  await db.schema.alterTable('pages').dropColumn('subscription_status').execute();
}
