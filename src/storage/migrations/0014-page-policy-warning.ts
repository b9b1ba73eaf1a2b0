import type { Kysely } from 'kysely';

/**
 * `pages.policy_warning` and `policy_warning_at`: Meta's last warning about the page's messaging (its reason), the step
 * before a block. Cleared when Meta blocks or unblocks the page: the health says what stands then.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pages').addColumn('policy_warning', 'text').execute();
  await db.schema.alterTable('pages').addColumn('policy_warning_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pages').dropColumn('policy_warning_at').execute();
  await db.schema.alterTable('pages').dropColumn('policy_warning').execute();
}
