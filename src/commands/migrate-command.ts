import { parseArgs } from 'node:util';
import { loadDatabaseUrl } from '../config/load-config.ts';
import { openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';

/** `switchboard migrate`: applies pending migrations and exits. Reads only the database URL of the configuration. */
export async function run(argv: string[]): Promise<void> {
  // No flags: a `--database-url` ignored would migrate the configured database, not the one named.
  parseArgs({ args: argv, options: {} });
  const { db, close } = openDatabase(loadDatabaseUrl());
  try {
    const applied = await migrateToLatest(db);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
  } finally {
    await close();
  }
}
