import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadDatabaseUrl } from '../config/load-config.ts';
import { openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';

/** `switchboard migrate`: applies pending migrations and exits. Reads only the database URL of the configuration. */
export async function run(argv: string[]): Promise<void> {
  // No flags: a `--database-url` ignored would migrate the configured database, not the one named.
  parseArgs({ args: argv, options: {} });
  const { url, setting } = loadDatabaseUrl();
  const { db, close } = openDatabase(url, { setting });
  try {
    const applied = await migrateToLatest(db, setting);
    // Which one: a PostgreSQL URL without a database name reaches the user's own (libpq's default).
    const where = url.startsWith('sqlite:')
      ? url.slice('sqlite:'.length)
      : `database ${(await sql<{ name: string }>`select current_database() as name`.execute(db)).rows[0]?.name}`;
    process.stdout.write(applied.length ? `applied to ${where}: ${applied.join(', ')}\n` : `${where} is up to date\n`);
  } finally {
    await close();
  }
}
