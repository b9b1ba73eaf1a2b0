import type { Kysely } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import type { Database } from '../storage/schema.ts';
import { ensureAdmin } from '../storage/user-repository.ts';
import { createBasicAuth, SIGN_IN_LIMITS } from './auth.ts';
import { createHttpApp } from './build-app.ts';

/** One gateway process's API, as far as signing in goes. */
function processOn(db: Kysely<Database>) {
  const app = createHttpApp(pino({ level: 'silent' }));
  app.addHook('onRequest', createBasicAuth(db));
  app.get('/api/pages', async () => ({ data: [] }));
  return app;
}

const basic = (email: string, password: string) => `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

for (const kind of DATABASES) {
  describe(`sign-in limits on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('count the failures of every process on the database: two processes do not give twice the guesses', async () => {
      const { db } = await open();
      await ensureAdmin(db, { email: 'admin@example.com', password: 'the right one' }, Date.now());
      const processes = [processOn(db), processOn(db)];
      const guess = async (p: number, password: string) =>
        (
          await processes[p]!.inject({
            url: '/api/pages',
            headers: { authorization: basic('admin@example.com', password) },
          })
        ).statusCode;
      const half = SIGN_IN_LIMITS.perEmailAndAddress / 2;
      for (let i = 0; i < half; i++) expect(await guess(0, `guess ${i}`)).toBe(401);
      for (let i = half; i < 2 * half; i++) expect(await guess(1, `guess ${i}`)).toBe(401);
      expect([await guess(0, 'one more'), await guess(1, 'the right one')]).toEqual([429, 429]);
      for (const p of processes) await p.close();
    });

    it('forget the failures from an address once the password is right there', async () => {
      const { db } = await open();
      await ensureAdmin(db, { email: 'admin@example.com', password: 'the right one' }, Date.now());
      const [first, second] = [processOn(db), processOn(db)];
      const ask = async (app: typeof first, password: string) =>
        (await app.inject({ url: '/api/pages', headers: { authorization: basic('admin@example.com', password) } }))
          .statusCode;
      for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress - 1; i++) expect(await ask(first, `typo ${i}`)).toBe(401);
      expect(await ask(first, 'the right one')).toBe(200);
      expect(await ask(second, 'a typo')).toBe(401); // Not the tenth: the right password wiped the slate.
      const left = await db
        .selectFrom('sign_in_failures')
        .select('key')
        .where('key', '!=', 'admin@example.com')
        .execute();
      expect(left).toHaveLength(1);
      await first.close();
      await second.close();
    });
  });
}
