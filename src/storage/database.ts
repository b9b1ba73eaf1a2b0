import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
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
  close(): Promise<void>;
}

// PostgreSQL returns BIGINT (our epoch-ms timestamps) as strings by default; they fit a JS number exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Opens `sqlite:<path>` (`sqlite::memory:` for tests) or `postgres://...`. */
export function openDatabase(url: string): DatabaseHandle {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, capabilities: { dialect: 'postgres', sharedAcrossProcesses: true }, close: () => db.destroy() };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    // FULL: a commit survives power loss, which is what "durable before 200" promises. Group commit in the
    // ingress keeps the fsync cost per request small.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, capabilities: { dialect: 'sqlite', sharedAcrossProcesses: false }, close: () => db.destroy() };
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got a value starting "${url.slice(0, 10)}")`);
}
