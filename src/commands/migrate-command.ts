import { loadDatabaseUrl } from '../config/load-config.ts';
import { openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';

/** `switchboard migrate`: applies pending migrations and exits. Reads only the database URL of the configuration. */
export async function run(): Promise<void> {
  const { db, close } = openDatabase(loadDatabaseUrl());
  try {
    const applied = await migrateToLatest(db);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
  } finally {
    await close();
  }
}
