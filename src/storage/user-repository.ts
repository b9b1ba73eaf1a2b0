import type { Kysely } from 'kysely';
import { hashPassword, verifyPassword } from '../server/passwords.ts';
import { newId } from './ids.ts';
import type { Database, UsersTable } from './schema.ts';

export function findUserByEmail(db: Kysely<Database>, email: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/** The last SIGN_IN_ADDRESSES_KEPT addresses a user signed in from, for SIGN_IN_ADDRESSES_KEPT_MS. */
const SIGN_IN_ADDRESSES_KEPT = 10;
const SIGN_IN_ADDRESSES_KEPT_MS = 30 * 24 * 3_600_000;

/** When the user last signed in from `address`, if they did lately. */
export function lastSignInFrom(user: Pick<UsersTable, 'sign_in_addresses'>, address: string, now: number) {
  const at = (JSON.parse(user.sign_in_addresses ?? '{}') as Record<string, number>)[address];
  return at !== undefined && at > now - SIGN_IN_ADDRESSES_KEPT_MS ? at : undefined;
}

/** Remembers that the user signed in from `address` (the most recent few only). */
export async function recordSignIn(db: Kysely<Database>, user: UsersTable, address: string, now: number) {
  const addresses = JSON.parse(user.sign_in_addresses ?? '{}') as Record<string, number>;
  delete addresses[address];
  const kept = Object.entries(addresses)
    .filter(([, at]) => at > now - SIGN_IN_ADDRESSES_KEPT_MS)
    .sort(([, a], [, b]) => b - a)
    .slice(0, SIGN_IN_ADDRESSES_KEPT - 1);
  const value = JSON.stringify(Object.fromEntries([[address, now], ...kept]));
  await db.updateTable('users').set({ sign_in_addresses: value }).where('id', '=', user.id).execute();
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
      unread_from: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return 'created';
}

/** The failed sign-ins of each key since `since` (epoch ms), oldest first, of every process on the database. */
export async function signInFailuresSince(db: Kysely<Database>, keys: string[], since: number) {
  const rows = await db
    .selectFrom('sign_in_failures')
    .select(['key', 'at'])
    .where('key', 'in', keys)
    .where('at', '>', since)
    .orderBy('at')
    .execute();
  const byKey = new Map<string, number[]>(keys.map((key) => [key, []]));
  for (const row of rows) byKey.get(row.key)?.push(row.at);
  return byKey;
}

export async function recordSignInFailure(db: Kysely<Database>, keys: string[], at: number) {
  await db
    .insertInto('sign_in_failures')
    .values(keys.map((key) => ({ key, at })))
    .execute();
}

/** Forgets `key`'s failures: a sign-in that worked. */
export async function forgetSignInFailures(db: Kysely<Database>, key: string) {
  await db.deleteFrom('sign_in_failures').where('key', '=', key).execute();
}

/** Deletes the failures from before `before`, which no limit counts any more. */
export async function purgeSignInFailures(db: Kysely<Database>, before: number) {
  await db.deleteFrom('sign_in_failures').where('at', '<=', before).execute();
}
