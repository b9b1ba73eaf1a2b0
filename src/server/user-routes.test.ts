import { type Kysely, type KyselyPlugin, type OperationNode, TableNode } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DATABASES, secondConnection, useMigratedDatabase } from '../../test/support/databases.ts';
import { openStream } from '../../test/support/event-stream.ts';
import { holdingRow } from '../../test/support/held-rows.ts';
import type { Database } from '../storage/schema.ts';
import { ensureAdmin } from '../storage/user-repository.ts';
import { createBasicAuth } from './auth.ts';
import { createHttpApp } from './build-app.ts';
import { createLocalChanges } from './conversation-changes.ts';
import { streamRoutes } from './stream-routes.ts';
import { userRoutes } from './user-routes.ts';

const ADMIN = { email: 'admin@example.com', password: 'configured password' };
const basic = (email: string, password: string) => `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

/** The users API as the gateway mounts it: behind sign-in, with the configured admin. */
async function gatewayOn(db: Kysely<Database>, heartbeatMs?: number) {
  await ensureAdmin(db, ADMIN, Date.now());
  const app = createHttpApp(pino({ level: 'silent' }));
  const authenticate = createBasicAuth(db);
  await app.register(async (api) => {
    api.addHook('onRequest', authenticate);
    await api.register(userRoutes, {
      db,
      configuredAdmin: ADMIN.email,
      forget: authenticate.forget,
      announce() {},
      now: Date.now,
    });
    await api.register(streamRoutes, {
      changes: createLocalChanges(),
      onForget: authenticate.onForget,
      stillSignedIn: authenticate.stillSignedIn,
      heartbeatMs,
    });
  });
  const as =
    (email: string, password: string) =>
    async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
      const answer = await app.inject({
        method,
        url,
        headers: { authorization: basic(email, password) },
        ...(payload ? { payload } : {}),
      });
      return { status: answer.statusCode, body: answer.body ? answer.json() : undefined };
    };
  return { app, admin: as(ADMIN.email, ADMIN.password), as };
}

/** Counts the reads of the users table made through the database it is plugged into. */
function countingUserReads() {
  const counted = { reads: 0 };
  const table = (node: OperationNode) => (TableNode.is(node) ? node.table.identifier.name : undefined);
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      if (node.kind === 'SelectQueryNode' && node.from?.froms.some((from) => table(from) === 'users')) counted.reads++;
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { plugin, counted };
}

/** Holds back the next read of the user `email` as the API shows them (no password hash), once armed. */
const holdingSummaryOf = (email: string) =>
  holdingRow((row) => row.email === email && !('password_hash' in row), { armed: false });

for (const kind of DATABASES) {
  describe(`the users API on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('adds an agent with a generated password that signs in, and shows no hash to anyone', async () => {
      const { db } = await open();
      const { app, admin, as } = await gatewayOn(db);
      try {
        const added = await admin('POST', '/api/users', { email: ' Ana@Example.com ', name: 'Ana' });
        expect(added.status).toBe(201);
        expect(added.body.data.user).toMatchObject({ email: 'ana@example.com', name: 'Ana', role: 'agent' });
        const { password } = added.body.data;
        expect(password).toMatch(/^[A-Za-z0-9_-]{22}$/);
        const ana = as('ana@example.com', password);
        const me = await ana('GET', '/api/me');
        expect(me.body.data).toMatchObject({ email: 'ana@example.com', role: 'agent', configured_admin: false });
        const team = await ana('GET', '/api/users');
        expect(team.body.data.map((u: { email: string }) => u.email)).toEqual(['admin@example.com', 'ana@example.com']);
        expect(JSON.stringify(team.body)).not.toMatch(/scrypt|password|sign_in/);
        const stored = await db.selectFrom('users').select('password_hash').where('email', '=', 'ana@example.com');
        expect((await stored.executeTakeFirstOrThrow()).password_hash).not.toContain(password);
        expect((await admin('POST', '/api/users', { email: 'ana@example.com' })).status).toBe(409);
        expect((await admin('POST', '/api/users', { email: 'not an email' })).status).toBe(400);
        expect((await admin('POST', '/api/users', { email: 'b@example.com', role: 'owner' })).status).toBe(400);
      } finally {
        await app.close();
      }
    });

    it('reads the signed-in user once for /api/me, as signing in read them, and shows their name as it is now', async () => {
      const { db } = await open();
      const { plugin, counted } = countingUserReads();
      const { app, admin } = await gatewayOn(db.withPlugin(plugin));
      try {
        const me = async () => {
          counted.reads = 0;
          const answer = await admin('GET', '/api/me');
          expect(answer.status).toBe(200);
          return { reads: counted.reads, data: answer.body.data };
        };
        // The password checked (one read of the user), then the header remembered (one read of who it signs in).
        expect(await me()).toMatchObject({ reads: 1, data: { email: ADMIN.email, name: 'Admin', role: 'admin' } });
        const { id } = (await me()).data;
        expect((await admin('PATCH', `/api/users/${id}`, { name: 'Ada' })).status).toBe(200);
        expect(await me()).toMatchObject({
          reads: 1,
          data: { id, email: ADMIN.email, name: 'Ada', role: 'admin', configured_admin: true },
        });
        expect(Object.keys((await me()).data).sort()).toEqual([
          'configured_admin',
          'created_at',
          'email',
          'id',
          'name',
          'role',
        ]);
      } finally {
        await app.close();
      }
    });

    it('lets only admins manage the team', async () => {
      const { db } = await open();
      const { app, admin, as } = await gatewayOn(db);
      try {
        const { password } = (await admin('POST', '/api/users', { email: 'ana@example.com' })).body.data;
        const ana = as('ana@example.com', password);
        const adminId = (await admin('GET', '/api/me')).body.data.id;
        expect((await ana('POST', '/api/users', { email: 'eve@example.com' })).status).toBe(403);
        expect((await ana('PATCH', `/api/users/${adminId}`, { role: 'agent' })).status).toBe(403);
        expect((await ana('POST', `/api/users/${adminId}/password`)).status).toBe(403);
        expect((await ana('DELETE', `/api/users/${adminId}`)).status).toBe(403);
      } finally {
        await app.close();
      }
    });

    it('takes a removal, a new role and a new password into account at the next request', async () => {
      const { db } = await open();
      const { app, admin, as } = await gatewayOn(db);
      try {
        const added = (await admin('POST', '/api/users', { email: 'ana@example.com' })).body.data;
        const ana = as('ana@example.com', added.password);
        expect((await ana('GET', '/api/me')).status).toBe(200);

        const promoted = await admin('PATCH', `/api/users/${added.user.id}`, { role: 'admin', name: 'Ana B.' });
        expect(promoted.body.data).toMatchObject({ role: 'admin', name: 'Ana B.' });
        expect((await ana('GET', '/api/me')).body.data.role).toBe('admin');

        const renewed = await admin('POST', `/api/users/${added.user.id}/password`);
        expect((await ana('GET', '/api/me')).status).toBe(401);
        const anaAgain = as('ana@example.com', renewed.body.data.password);
        expect((await anaAgain('GET', '/api/me')).status).toBe(200);

        expect((await admin('DELETE', `/api/users/${added.user.id}`)).status).toBe(204);
        expect((await anaAgain('GET', '/api/me')).status).toBe(401);
        expect((await admin('DELETE', `/api/users/${added.user.id}`)).status).toBe(404);
      } finally {
        await app.close();
      }
    });

    it('gives no new password for a user removed while it was made: the answer would show one that signs in nobody', async () => {
      const { db } = await open();
      const hold = holdingSummaryOf('ana@example.com');
      const { app, admin } = await gatewayOn(db.withPlugin(hold.plugin));
      const other = await secondConnection(kind, db);
      try {
        const added = (await admin('POST', '/api/users', { email: 'ana@example.com' })).body.data;
        hold.arm();
        const renewal = admin('POST', `/api/users/${added.user.id}/password`);
        await hold.atHold;
        // Another admin removes her, after this request read her and before it writes her new password.
        await other.db.deleteFrom('users').where('id', '=', added.user.id).execute();
        hold.release();
        expect(await renewal).toMatchObject({ status: 404, body: { error: { code: 'SB_NOT_FOUND' } } });
      } finally {
        await app.close();
        await other.close();
      }
    });

    it('ends the live stream of a user removed: it would tell them of every conversation that changes', async () => {
      const { db } = await open();
      const { app, admin } = await gatewayOn(db);
      try {
        const added = (await admin('POST', '/api/users', { email: 'ana@example.com' })).body.data;
        const url = await app.listen({ port: 0, host: '127.0.0.1' });
        const mine = await openStream(url, basic(ADMIN.email, ADMIN.password));
        const hers = await openStream(url, basic('ana@example.com', added.password));
        await hers.next((event) => event.event === 'ready');
        expect((await admin('DELETE', `/api/users/${added.user.id}`)).status).toBe(204);
        const stillOpen = new Promise((resolve) => setTimeout(() => resolve('still open'), 2_000));
        expect(await Promise.race([hers.ended, stillOpen])).toBe(true);
        expect(await Promise.race([mine.ended, new Promise((resolve) => setImmediate(resolve, 'open'))])).toBe('open');
        mine.close();
      } finally {
        await app.close();
      }
    });

    it('ends the live stream, on another process, of a user removed, given a new password or another role', async () => {
      const { db } = await open();
      const one = await gatewayOn(db);
      const other = await gatewayOn(db, 100);
      try {
        const url = await other.app.listen({ port: 0, host: '127.0.0.1' });
        const add = async (email: string) => (await one.admin('POST', '/api/users', { email })).body.data;
        const emails = ['ana@example.com', 'bo@example.com', 'cy@example.com', 'dee@example.com'];
        const [ana, bo, cy, dee] = await Promise.all(emails.map(add));
        const streams = await Promise.all(
          [ana, bo, cy, dee].map((user, i) => openStream(url, basic(emails[i] as string, user.password))),
        );
        for (const stream of streams) await stream.next((event) => event.event === 'ready');
        expect((await one.admin('DELETE', `/api/users/${ana.user.id}`)).status).toBe(204);
        expect((await one.admin('POST', `/api/users/${bo.user.id}/password`)).status).toBe(200);
        // Her inbox reconnects and shows the controls of her new role.
        expect((await one.admin('PATCH', `/api/users/${cy.user.id}`, { role: 'admin' })).status).toBe(200);
        const within = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms, 'open'));
        for (const stream of streams.slice(0, 3)) expect(await Promise.race([stream.ended, within(2_000)])).toBe(true);
        expect(await Promise.race([streams[3]?.ended, within(300)])).toBe('open');
        streams[3]?.close();
      } finally {
        await other.app.close();
        await one.app.close();
      }
    });

    it('keeps the configured admin and the last admin, and no admin removes themselves', async () => {
      const { db } = await open();
      const { app, admin, as } = await gatewayOn(db);
      try {
        const adminId = (await admin('GET', '/api/me')).body.data.id;
        expect((await admin('DELETE', `/api/users/${adminId}`)).status).toBe(403);
        expect((await admin('PATCH', `/api/users/${adminId}`, { role: 'agent' })).status).toBe(403);
        expect((await admin('POST', `/api/users/${adminId}/password`)).status).toBe(403);
        expect((await admin('POST', '/api/me/password', { password: 'a new long password' })).status).toBe(403);

        const bea = (await admin('POST', '/api/users', { email: 'bea@example.com', role: 'admin' })).body.data;
        const asBea = as('bea@example.com', bea.password);
        expect((await asBea('DELETE', `/api/users/${bea.user.id}`)).body.error.message).toMatch(/another admin/);
        // A generated password for herself would end her session before she could note it: she chooses her own.
        const ownReset = await asBea('POST', `/api/users/${bea.user.id}/password`);
        expect(ownReset).toMatchObject({
          status: 403,
          body: { error: { message: expect.stringMatching(/your own/) } },
        });
        expect((await asBea('GET', '/api/me')).status).toBe(200);
        // With the configured admin gone from the database, Bea is the last admin: she stays one.
        await db.deleteFrom('users').where('email', '=', ADMIN.email).execute();
        const cara = (await asBea('POST', '/api/users', { email: 'cara@example.com', role: 'admin' })).body.data;
        const asCara = as('cara@example.com', cara.password);
        expect((await asCara('PATCH', `/api/users/${bea.user.id}`, { role: 'agent' })).status).toBe(200);
        const last = await asBea('PATCH', `/api/users/${cara.user.id}`, { role: 'agent' });
        expect(last.status).toBe(403);
        expect((await asCara('PATCH', `/api/users/${cara.user.id}`, { role: 'agent' })).status).toBe(403);
        expect((await asCara('DELETE', `/api/users/${bea.user.id}`)).status).toBe(204);
      } finally {
        await app.close();
      }
    });

    it('lets a user choose their own password, at least 12 characters', async () => {
      const { db } = await open();
      const { app, admin, as } = await gatewayOn(db);
      try {
        const { password } = (await admin('POST', '/api/users', { email: 'ana@example.com' })).body.data;
        const ana = as('ana@example.com', password);
        expect((await ana('POST', '/api/me/password', { password: 'too short' })).status).toBe(400);
        expect((await ana('POST', '/api/me/password', { password: 'correct horse battery' })).status).toBe(200);
        expect((await ana('GET', '/api/me')).status).toBe(401);
        expect((await as('ana@example.com', 'correct horse battery')('GET', '/api/me')).status).toBe(200);
      } finally {
        await app.close();
      }
    });

    it('lets everyone name themselves, and nothing else about them', async () => {
      const { db } = await open();
      const { app, admin, as } = await gatewayOn(db);
      try {
        const { password } = (await admin('POST', '/api/users', { email: 'ana@example.com' })).body.data;
        const ana = as('ana@example.com', password);
        const named = await ana('PATCH', '/api/me', { name: '  Ana Lima ' });
        expect(named.status).toBe(200);
        expect(named.body.data).toMatchObject({ email: 'ana@example.com', name: 'Ana Lima', role: 'agent' });
        expect((await ana('PATCH', '/api/me', { name: 'Ana', role: 'admin' })).status).toBe(400);
        expect((await ana('GET', '/api/me')).body.data).toMatchObject({ name: 'Ana Lima', role: 'agent' });
        // Emptied: no name, the email stands for her.
        expect((await ana('PATCH', '/api/me', { name: '' })).body.data.name).toBeNull();
        expect((await admin('PATCH', '/api/me', { name: 'The Admin' })).body.data).toMatchObject({
          name: 'The Admin',
          configured_admin: true,
        });
      } finally {
        await app.close();
      }
    });

    it('makes the configured admin an admin again at start if the database made it an agent', async () => {
      const { db } = await open();
      await ensureAdmin(db, ADMIN, Date.now());
      await db.updateTable('users').set({ role: 'agent' }).where('email', '=', ADMIN.email).execute();
      expect(await ensureAdmin(db, ADMIN, Date.now())).toBe('unchanged');
      const row = await db.selectFrom('users').select('role').where('email', '=', ADMIN.email).executeTakeFirst();
      expect(row?.role).toBe('admin');
    });
  });
}
