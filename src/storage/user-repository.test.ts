import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { verifyPassword } from '../server/passwords.ts';
import { ensureAdmin, findUserByEmail } from './user-repository.ts';

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
  });
}
