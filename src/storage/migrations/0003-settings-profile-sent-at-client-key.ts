import { type Kysely, sql } from 'kysely';

/**
 * `pages.settings_changes`: the settings changed through the API, kept apart from the configuration's, which every start
 * writes again. `pages.messenger_profile_synced`: the profile fields the gateway set on the page, the only ones it may
 * delete. `messages.sent_at`: when a message left, which read receipts compare with (a delivery changes `updated_at`).
 * `messages.client_key`: the `Idempotency-Key` of an agent's reply, unique in its conversation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pages').addColumn('settings_changes', 'text').execute();
  await db.schema.alterTable('pages').addColumn('messenger_profile_synced', 'text').execute();
  await db.schema.alterTable('messages').addColumn('sent_at', 'bigint').execute();
  await db.schema.alterTable('messages').addColumn('client_key', 'text').execute();
  await db.schema
    .createIndex('messages_client_key')
    .on('messages')
    .columns(['conversation_id', 'client_key'])
    .unique()
    .where(sql.ref('client_key'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_client_key').execute();
  await db.schema.alterTable('messages').dropColumn('client_key').execute();
  await db.schema.alterTable('messages').dropColumn('sent_at').execute();
  await db.schema.alterTable('pages').dropColumn('messenger_profile_synced').execute();
  await db.schema.alterTable('pages').dropColumn('settings_changes').execute();
}
