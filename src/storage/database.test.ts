import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../../test/support/databases.ts';
import { type DatabaseHandle, openDatabase } from './database.ts';

describe('PostgreSQL connections the server ends', () => {
  let test: TestDatabase | undefined;
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    await test?.drop();
  });

  it('are reported, not thrown, and the next query opens a new one', async () => {
    test = await createTestDatabase('postgres');
    const lost: Error[] = [];
    handle = openDatabase(test.url, { onConnectionLost: (error) => lost.push(error) });
    const before = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
    const pid = before.rows[0]?.pid;

    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query('select pg_terminate_backend($1)', [pid]);
    await admin.end();
    for (let waited = 0; lost.length === 0 && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));

    expect(lost).toHaveLength(1);
    expect(lost[0]?.message).toMatch(/terminating connection/);
    const after = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
    expect(after.rows[0]?.pid).not.toBe(pid);
  });

  it('have the server end a transaction left idle and notice a silent peer soon: a cut-off process holds no locks for hours', async () => {
    test = await createTestDatabase('postgres');
    handle = openDatabase(test.url);
    const settings = await sql<{ idle: string; keepalive: string }>`
      select current_setting('idle_in_transaction_session_timeout') as idle,
             current_setting('tcp_keepalives_idle') as keepalive`.execute(handle.db);
    expect(settings.rows[0]).toEqual({ idle: '30s', keepalive: '10' });
  });
});

describe('a SQLite database the gateway creates', () => {
  it('is readable by its user alone, WAL included; one the operator made keeps its mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-mode-'));
    try {
      const created = openDatabase(`sqlite:${join(dir, 'new.db')}`);
      await sql`create table t (x integer)`.execute(created.db);
      await sql`insert into t values (1)`.execute(created.db);
      expect(statSync(join(dir, 'new.db')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'new.db-wal')).mode & 0o777).toBe(0o600);
      await created.close();

      writeFileSync(join(dir, 'shared.db'), '');
      chmodSync(join(dir, 'shared.db'), 0o640);
      const made = openDatabase(`sqlite:${join(dir, 'shared.db')}`);
      expect(statSync(join(dir, 'shared.db')).mode & 0o777).toBe(0o640);
      await made.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
