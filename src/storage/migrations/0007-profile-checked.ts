import type { Kysely } from 'kysely';

/**
 * `pages.messenger_profile_checked` and `_checked_at`: a fingerprint of the Messenger profile last made to match the
 * configuration, and when. Graph allows 10 profile calls per page per 10 minutes; a process that starts within that
 * time of the last check, with the same profile wanted, reads nothing (many processes, a crash loop).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pages').addColumn('messenger_profile_checked', 'text').execute();
  await db.schema.alterTable('pages').addColumn('messenger_profile_checked_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pages').dropColumn('messenger_profile_checked_at').execute();
  await db.schema.alterTable('pages').dropColumn('messenger_profile_checked').execute();
}
