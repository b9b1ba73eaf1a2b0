import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterEach } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import type { Database } from '../../src/storage/schema.ts';

/** Every test suite that touches storage runs on both databases, for real (never mocked). */
export const DATABASES = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASES)[number];

/** The machine's PostgreSQL server; each test database is created on it and dropped afterwards. */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
    return { url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      // A closed pool's sockets can outlive its close by a moment; forcing the drop then would kill them mid-goodbye,
      // and pg reports that as an uncaught error. Give them that moment first.
      for (let waited = 0; waited < 2000; waited += 20) {
        const { rows } = await client.query('select count(*)::int as n from pg_stat_activity where datname = $1', [
          name,
        ]);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/**
 * For the tests of one `describe`: opens a fresh, migrated database of this kind per call, closed and dropped after
 * each test. Its `url` opens more connections to it, as other processes would (to be closed by the test).
 */
export function useMigratedDatabase(kind: DatabaseKind): () => Promise<DatabaseHandle & { url: string }> {
  let test: TestDatabase | undefined;
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    await test?.drop();
    handle = undefined;
    test = undefined;
  });
  return async () => {
    test = await createTestDatabase(kind);
    handle = openDatabase(test.url);
    await migrateToLatest(handle.db);
    return { ...handle, url: test.url };
  };
}

/** Another connection to the test's database: SQLite's one connection is busy while a test holds a read back. */
export async function secondConnection(kind: DatabaseKind, db: Kysely<Database>): Promise<DatabaseHandle> {
  if (kind === 'sqlite') {
    const { rows } = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db);
    return openDatabase(`sqlite:${rows[0]?.file}`);
  }
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${rows[0]?.name}`;
  return openDatabase(url.toString());
}
