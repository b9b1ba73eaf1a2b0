import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

/** What differs between the databases, as capabilities rather than dialect checks at every call site. */
export interface DatabaseCapabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** Several processes may share the database (PostgreSQL); SQLite is owned by one process. */
  readonly sharedAcrossProcesses: boolean;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  capabilities: DatabaseCapabilities;
  /**
   * Runs writes that must survive a power loss before the caller answers (the webhook's 200). Other writes
   * only need to survive a process crash, which every commit does.
   */
  durably<T>(write: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// PostgreSQL returns BIGINT (our epoch-ms timestamps) as strings by default; they fit a JS number exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Opens `sqlite:<path>` (`sqlite::memory:` for tests) or `postgres://...`. */
export function openDatabase(url: string): DatabaseHandle {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    // PostgreSQL's default (synchronous_commit on) makes every commit durable.
    return {
      db,
      capabilities: { dialect: 'postgres', sharedAcrossProcesses: true },
      durably: (write) => write(db),
      close: () => db.destroy(),
    };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a process crash but not a power loss. Writes that must survive power
    // loss (the webhook's events before its 200) run with FULL, whose fsync of the WAL also persists every commit
    // before it; see docs/adr/0001-storage.md.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return {
      db,
      capabilities: { dialect: 'sqlite', sharedAcrossProcesses: false },
      // SQLite has one connection: holding it keeps the pragma and the write together.
      durably: (write) =>
        db.connection().execute(async (connection) => {
          await sql`pragma synchronous = FULL`.execute(connection);
          try {
            return await write(connection);
          } finally {
            await sql`pragma synchronous = NORMAL`.execute(connection);
          }
        }),
      close: () => db.destroy(),
    };
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got a value starting "${url.slice(0, 10)}")`);
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing costs about as much as
 * running a small query. The hot path has a few dozen distinct statements, so they are kept (bounded).
 */
function withStatementCache(sqlite: SQLite.Database, max = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(query: string) {
      let statement = cache.get(query);
      if (!statement) {
        statement = sqlite.prepare(query);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(query, statement);
      }
      return statement;
    },
  };
}
