import { type Kysely, type Migration, Migrator } from 'kysely';
import { unusableDatabase } from './database.ts';
import * as initial from './migrations/0001-initial.ts';
import * as users from './migrations/0002-users.ts';
import * as settingsProfileSentAtClientKey from './migrations/0003-settings-profile-sent-at-client-key.ts';
import * as unreachableSignInAddresses from './migrations/0004-unreachable-sign-in-addresses.ts';
import * as pageConnections from './migrations/0005-page-connections.ts';
import * as signInFailures from './migrations/0006-sign-in-failures.ts';
import * as profileChecked from './migrations/0007-profile-checked.ts';
import * as conversationReads from './migrations/0008-conversation-reads.ts';
import * as pageUpkeepStatus from './migrations/0009-page-upkeep-status.ts';
import * as conversationAssignee from './migrations/0010-conversation-assignee.ts';
import * as messageSender from './migrations/0011-message-sender.ts';
import * as messageReaction from './migrations/0012-message-reaction.ts';
import * as messageEdited from './migrations/0013-message-edited.ts';
import * as pagePolicyWarning from './migrations/0014-page-policy-warning.ts';
import * as attachmentCacheUrlDigest from './migrations/0015-attachment-cache-url-digest.ts';
import * as conversationThreadElsewhere from './migrations/0016-conversation-thread-elsewhere.ts';
import type { Database } from './schema.ts';

/** Every migration, in order. Static imports: no file-system scanning, works the same from source or a bundle. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-users': users,
  '0003-settings-profile-sent-at-client-key': settingsProfileSentAtClientKey,
  '0004-unreachable-sign-in-addresses': unreachableSignInAddresses,
  '0005-page-connections': pageConnections,
  '0006-sign-in-failures': signInFailures,
  '0007-profile-checked': profileChecked,
  '0008-conversation-reads': conversationReads,
  '0009-page-upkeep-status': pageUpkeepStatus,
  '0010-conversation-assignee': conversationAssignee,
  '0011-message-sender': messageSender,
  '0012-message-reaction': messageReaction,
  '0013-message-edited': messageEdited,
  '0014-page-policy-warning': pagePolicyWarning,
  '0015-attachment-cache-url-digest': attachmentCacheUrlDigest,
  '0016-conversation-thread-elsewhere': conversationThreadElsewhere,
};

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/**
 * Applies pending migrations; throws with the failing migration's name, or a ConfigError naming `setting` (where the
 * URL came from, default DATABASE_URL) when the database cannot be used at all.
 */
export async function migrateToLatest(db: Kysely<Database>, setting?: string): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    // No migration ran: the database itself could not be used (the first query of a start).
    if (!failed) throw unusableDatabase(error, setting) ?? error;
    throw new Error(`migration ${failed} failed: ${(error as Error).message}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** Applies the migrations up to `name`, that one included: for tests of how a later one carries rows over. */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<void> {
  const { error } = await migrator(db).migrateTo(name);
  if (error) throw error;
}

/** True when every known migration has run (for /readyz). */
export async function migrationsAreCurrent(db: Kysely<Database>): Promise<boolean> {
  const all = await migrator(db).getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
