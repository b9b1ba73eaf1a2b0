import type { Kysely } from 'kysely';
import { hashPassword } from '../server/passwords.ts';
import { newId } from './ids.ts';
import type { Database, UsersTable } from './schema.ts';

export function findUserByEmail(db: Kysely<Database>, email: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/** Creates the first admin from the configuration if no user has that email yet; never changes an existing one. */
export async function ensureAdmin(
  db: Kysely<Database>,
  admin: { email: string; password: string },
  now: number,
): Promise<boolean> {
  if (await findUserByEmail(db, admin.email)) return false;
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
  return true;
}
