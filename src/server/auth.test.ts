import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DATABASES, secondConnection, useMigratedDatabase } from '../../test/support/databases.ts';
import { holdingRow } from '../../test/support/held-rows.ts';
import type { Database } from '../storage/schema.ts';
import { ensureAdmin, findUserByEmail, updateUser } from '../storage/user-repository.ts';
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

/** Holds back the first read of the user `email` with their password hash: a password check caught half-way. */
const holdingUserRow = (email: string) => holdingRow((row) => row.email === email && row.password_hash !== undefined);

describe('sign-in on a gateway at https://gateway.example', () => {
  const open = useMigratedDatabase('sqlite');

  it('refuses a change sent by a page of the gateway’s host in the other scheme, before any password check', async () => {
    const { db } = await open();
    await ensureAdmin(db, { email: 'admin@example.com', password: 'right password' }, Date.now());
    const app = createHttpApp(pino({ level: 'silent' }));
    app.addHook('onRequest', createBasicAuth(db, { publicUrl: 'https://gateway.example' }));
    app.post('/api/replay', async () => ({ data: { replayed: 0 } }));
    try {
      const replay = async (origin: string) => {
        const headers = {
          host: 'gateway.example',
          origin,
          authorization: basic('admin@example.com', 'right password'),
        };
        const answer = await app.inject({ method: 'POST', url: '/api/replay', headers });
        return { status: answer.statusCode, code: answer.statusCode === 200 ? undefined : answer.json().error.code };
      };
      expect(await replay('https://gateway.example')).toEqual({ status: 200, code: undefined });
      expect(await replay('http://gateway.example')).toEqual({ status: 403, code: 'SB_CROSS_SITE' });
    } finally {
      await app.close();
    }
  });

  it('reads the scheme of the credentials in any case, as HTTP says (RFC 9110 §11.1)', async () => {
    const { db } = await open();
    await ensureAdmin(db, { email: 'admin@example.com', password: 'right password' }, Date.now());
    const app = createHttpApp(pino({ level: 'silent' }));
    app.addHook('onRequest', createBasicAuth(db, { publicUrl: 'https://gateway.example' }));
    app.get('/api/pages', async () => ({ data: [] }));
    try {
      const credentials = basic('admin@example.com', 'right password').slice('Basic '.length);
      for (const scheme of ['basic', 'BASIC'])
        expect(
          (await app.inject({ url: '/api/pages', headers: { authorization: `${scheme} ${credentials}` } })).statusCode,
        ).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('sign-in behind a CDN then a load balancer (TRUST_PROXY=1 at the balancer)', () => {
  const open = useMigratedDatabase('sqlite');

  it('counts failures against the address the last proxy forwarded, not one the client wrote before it', async () => {
    const { db } = await open();
    await ensureAdmin(db, { email: 'admin@example.com', password: 'the right one' }, Date.now());
    const app = createHttpApp(pino({ level: 'silent' }), 1);
    app.addHook('onRequest', createBasicAuth(db));
    app.get('/api/pages', async () => ({ data: [] }));
    const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/pages`;
    // The client wrote the first address; the proxy in front appended the address it was reached from.
    const ask = async (password: string, forwardedFor: string) =>
      (
        await fetch(url, {
          headers: { authorization: basic('admin@example.com', password), 'x-forwarded-for': forwardedFor },
        })
      ).status;
    try {
      for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress; i++)
        expect(await ask(`guess ${i}`, `203.0.113.${i}, 198.51.100.7`)).toBe(401);
      expect(await ask('the right one', '203.0.113.99, 198.51.100.7')).toBe(429);
      // Writing the locked address first does not make a client it: the last hop is.
      expect(await ask('the right one', '198.51.100.7, 198.51.100.8')).toBe(200);
    } finally {
      await app.close();
    }
  });
});

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

    it('refuse an email longer than any account’s, and hear a forwarded address of any text (PostgreSQL failed with a 500)', async () => {
      const { db } = await open();
      await ensureAdmin(db, { email: 'admin@example.com', password: 'the right one' }, Date.now());
      // Behind a proxy believed whatever it forwards (TRUST_PROXY=true): the client writes its own address.
      const app = createHttpApp(pino({ level: 'silent' }), true);
      app.addHook('onRequest', createBasicAuth(db));
      app.get('/api/pages', async () => ({ data: [] }));
      // Random, so that PostgreSQL cannot compress them under the size its index takes.
      const noise = () => randomBytes(1_500).toString('hex');
      const ask = async (email: string, password: string, forwardedFor = '192.0.2.1') => {
        const headers = { authorization: basic(email, password), 'x-forwarded-for': forwardedFor };
        return (await app.inject({ url: '/api/pages', headers })).statusCode;
      };
      try {
        expect(await ask(`${noise()}@example.com`, 'a guess')).toBe(401);
        // Counted as from one address, whatever each says.
        for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress; i++)
          expect(await ask('admin@example.com', `guess ${i}`, noise())).toBe(401);
        expect(await ask('admin@example.com', 'the right one', noise())).toBe(429);
        expect(await ask('admin@example.com', 'the right one')).toBe(200);
      } finally {
        await app.close();
      }
    });

    it('forget a user for good even while one of their passwords is being checked', async () => {
      const { db } = await open();
      await ensureAdmin(db, { email: 'ana@example.com', password: 'the right one' }, Date.now());
      const other = await secondConnection(kind, db);
      const hold = holdingUserRow('ana@example.com');
      const authenticate = createBasicAuth(db.withPlugin(hold.plugin));
      const app = createHttpApp(pino({ level: 'silent' }));
      let arrived = () => {};
      app.addHook('onRequest', async () => arrived());
      app.addHook('onRequest', authenticate);
      app.get('/api/pages', async () => ({ data: [] }));
      const ask = async () =>
        (await app.inject({ url: '/api/pages', headers: { authorization: basic('ana@example.com', 'the right one') } }))
          .statusCode;
      try {
        const early = ask();
        await hold.atHold;
        // Removed while her password is checked: the check read her row before.
        const { id } = await other.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'ana@example.com')
          .executeTakeFirstOrThrow();
        await other.db.deleteFrom('users').where('id', '=', id).execute();
        authenticate.forget(id);
        const reachedAuth = new Promise<void>((resolve) => {
          arrived = resolve;
        });
        const meanwhile = ask();
        await reachedAuth;
        await new Promise((resolve) => setImmediate(resolve));
        hold.release();
        expect(await early).toBe(200); // Begun before the removal.
        expect(await meanwhile).toBe(401);
        expect(await ask()).toBe(401);
      } finally {
        await app.close();
        await other.close();
      }
    });

    it('take a removal, a new role or a new password made through another process into account at once', async () => {
      const { db } = await open();
      await ensureAdmin(db, { email: 'ana@example.com', password: 'the right one' }, Date.now());
      const { id } = (await findUserByEmail(db, 'ana@example.com'))!;
      // This process remembers Ana's header; the changes are made by another one, which cannot tell it.
      const app = createHttpApp(pino({ level: 'silent' }));
      app.addHook('onRequest', createBasicAuth(db));
      app.get('/api/me', async (request) => request.user);
      const me = async (password: string) => {
        const answer = await app.inject({
          url: '/api/me',
          headers: { authorization: basic('ana@example.com', password) },
        });
        return answer.statusCode === 200 ? answer.json<{ role: string }>().role : answer.statusCode;
      };
      try {
        expect(await me('the right one')).toBe('admin');
        await updateUser(db, id, { role: 'agent' }, Date.now());
        expect(await me('the right one')).toBe('agent');
        await updateUser(db, id, { password: 'another good one' }, Date.now());
        expect(await me('the right one')).toBe(401);
        expect(await me('another good one')).toBe('agent');
        await db.deleteFrom('users').where('id', '=', id).execute();
        expect(await me('another good one')).toBe(401);
      } finally {
        await app.close();
      }
    });
  });
}
