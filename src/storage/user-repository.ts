import type { Kysely } from 'kysely';
import { hashPassword, verifyPassword } from '../server/passwords.ts';
import { newId } from './ids.ts';
import type { Database, UsersTable } from './schema.ts';

export function findUserByEmail(db: Kysely<Database>, email: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/**
 * The admin of the configuration: created if no user has that email yet, its password changed when the configured one
 * no longer matches (changing `SWITCHBOARD_ADMIN_PASSWORD` and restarting is how it is rotated). Never removes a user.
 */
export async function ensureAdmin(
  db: Kysely<Database>,
  admin: { email: string; password: string },
  now: number,
): Promise<'created' | 'password changed' | 'unchanged'> {
  const existing = await findUserByEmail(db, admin.email);
  if (existing) {
    if (await verifyPassword(admin.password, existing.password_hash)) return 'unchanged';
    await db
      .updateTable('users')
      .set({ password_hash: await hashPassword(admin.password), updated_at: now })
      .where('id', '=', existing.id)
      .execute();
    return 'password changed';
  }
  await db
    .insertInto('users')
    .values({
      id: newId(now),
      email: admin.email.toLowerCase(),
      name: 'Admin',
      password_hash: await hashPassword(admin.password),
      role: 'admin',
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return 'created';
}
