import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { type DatabaseHandle, openDatabase } from '../storage/database.ts';
import { createHttpApp } from './build-app.ts';
import { createLogger } from './logger.ts';

describe('errors of the HTTP app', () => {
  let test: TestDatabase | undefined;
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    await test?.drop();
  });

  it('answers a NUL character PostgreSQL refused with 400, and logs no error', async () => {
    test = await createTestDatabase('postgres');
    handle = openDatabase(test.url);
    const { db } = handle;
    const logs: string[] = [];
    const app = createHttpApp(createLogger('info', { write: (line) => logs.push(line) }));
    // A route that forgot to parse its input: what the request carries goes to the database as it is.
    app.get<{ Querystring: { q: string } }>('/echo', async (request) => {
      const { rows } = await sql<{ q: string }>`select ${request.query.q}::text as q`.execute(db);
      return rows[0];
    });

    const response = await app.inject('/echo?q=a%00b');
    expect([response.statusCode, response.json()]).toEqual([
      400,
      { error: { code: 'SB_BAD_REQUEST', message: 'the request holds a NUL character (U+0000)' } },
    ]);
    expect(logs.map((line) => JSON.parse(line).level)).not.toContain(50);
    await app.close();
  });
});
