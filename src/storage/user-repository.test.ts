import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { verifyPassword } from '../server/passwords.ts';
import {
  createUser,
  ensureAdmin,
  findUserByEmail,
  lastSignInFrom,
  listUsers,
  recordSignIn,
  removeUser,
  unlessLastAdmin,
  updateUser,
} from './user-repository.ts';

for (const kind of DATABASES) {
  describe(`the configured admin on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('is created once, and its password follows the configuration: changing it there rotates it', async () => {
      const { db } = await open();
      const admin = { email: 'Admin@Example.com', password: 'first password' };
      expect(await ensureAdmin(db, admin, 1)).toBe('created');
      expect(await ensureAdmin(db, admin, 2)).toBe('unchanged');
      expect(await ensureAdmin(db, { ...admin, password: 'after the leak' }, 3)).toBe('password changed');

      const stored = await findUserByEmail(db, 'admin@example.com');
      expect(await verifyPassword('after the leak', stored?.password_hash ?? '')).toBe(true);
      expect(await verifyPassword('first password', stored?.password_hash ?? '')).toBe(false);
      expect(await db.selectFrom('users').select('email').execute()).toEqual([{ email: 'admin@example.com' }]);
    });

    it('remembers the last ten addresses it signed in from, for 30 days', async () => {
      const { db } = await open();
      await ensureAdmin(db, { email: 'admin@example.com', password: 'pw' }, 1);
      const day = 24 * 3_600_000;
      const user = async () => (await findUserByEmail(db, 'admin@example.com'))!;
      for (let i = 0; i < 11; i++) await recordSignIn(db, await user(), `203.0.113.${i}`, i * day);
      const now = 11 * day;
      expect(lastSignInFrom(await user(), '203.0.113.0', now)).toBeUndefined(); // The eleventh pushed it out.
      expect(lastSignInFrom(await user(), '203.0.113.10', now)).toBe(10 * day);
      expect(lastSignInFrom(await user(), '203.0.113.10', 41 * day)).toBeUndefined(); // Over 30 days ago.
    });
  });

  describe(`the team on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('keeps an admin when two admins demote or remove each other at once', async () => {
      const { db } = await open();
      const admin = (email: string) => createUser(db, { email, name: null, role: 'admin', password: 'pw' }, 1);
      const [ana, bo] = [await admin('ana@example.com'), await admin('bo@example.com')];
      let counted!: () => void;
      const hasCounted = new Promise<void>((resolve) => (counted = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      // Bo demotes Ana and pauses after counting the admins; meanwhile Ana removes Bo.
      const demotion = unlessLastAdmin(db, ana!.id, async (tx) => {
        counted();
        await released;
        return updateUser(tx, ana!.id, { role: 'agent' }, 2);
      });
      await hasCounted;
      const removal = unlessLastAdmin(db, bo!.id, (tx) => removeUser(tx, bo!.id));
      await new Promise((resolve) => setTimeout(resolve, 100)); // Time for the removal to run, were it not held.
      release();
      expect((await demotion) === 'last admin').toBe(false);
      expect(await removal).toBe('last admin');
      expect((await listUsers(db)).map((user) => [user.email, user.role])).toEqual([
        ['ana@example.com', 'agent'],
        ['bo@example.com', 'admin'],
      ]);
    });
  });
}
