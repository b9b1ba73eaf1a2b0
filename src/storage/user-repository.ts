import { type Kysely, PostgresAdapter } from 'kysely';
import { hashPassword, verifyPassword } from '../server/passwords.ts';
import { newId } from './ids.ts';
import type { Database, UsersTable } from './schema.ts';

export function findUserByEmail(db: Kysely<Database>, email: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/**
 * What a remembered sign-in is checked against at each request: the user still there, their role and password now; and
 * what the request is told of them (`/api/me`).
 */
export function findUserCredentials(
  db: Kysely<Database>,
  id: string,
): Promise<Pick<UsersTable, 'id' | 'email' | 'name' | 'role' | 'created_at' | 'password_hash'> | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'created_at', 'password_hash'])
    .where('id', '=', id)
    .executeTakeFirst();
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
    // Made an agent in the database: the configuration says admin, and it is how a lost admin comes back.
    if (existing.role !== 'admin')
      await db.updateTable('users').set({ role: 'admin', updated_at: now }).where('id', '=', existing.id).execute();
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

export const USER_ROLES = ['admin', 'agent'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** What the inbox and the API show of a user: never the hash, nor where they signed in from. */
export interface UserSummary {
  id: string;
  email: string;
  name: string | null;
  role: string;
  created_at: number;
}

const SUMMARY = ['id', 'email', 'name', 'role', 'created_at'] as const;

export function listUsers(db: Kysely<Database>): Promise<UserSummary[]> {
  return db.selectFrom('users').select(SUMMARY).orderBy('email').execute();
}

export function findUser(db: Kysely<Database>, id: string): Promise<UserSummary | undefined> {
  return db.selectFrom('users').select(SUMMARY).where('id', '=', id).executeTakeFirst();
}

/** A new user, or undefined when the email has one already. Their unread counts begin now. */
export async function createUser(
  db: Kysely<Database>,
  user: { email: string; name: string | null; role: UserRole; password: string },
  now: number,
): Promise<UserSummary | undefined> {
  return db
    .insertInto('users')
    .values({
      id: newId(now),
      email: user.email.toLowerCase(),
      name: user.name,
      password_hash: await hashPassword(user.password),
      role: user.role,
      unread_from: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(SUMMARY)
    .executeTakeFirst();
}

export async function updateUser(
  db: Kysely<Database>,
  id: string,
  change: { name?: string | null; role?: UserRole; password?: string },
  now: number,
): Promise<UserSummary | undefined> {
  const { password, ...rest } = change;
  return db
    .updateTable('users')
    .set({
      ...rest,
      ...(password === undefined ? {} : { password_hash: await hashPassword(password) }),
      updated_at: now,
    })
    .where('id', '=', id)
    .returning(SUMMARY)
    .executeTakeFirst();
}

/**
 * Removes a user and how far they had read each conversation; their conversations are assigned to nobody. Returns
 * those conversations' ids, for the inboxes to be told; undefined when there was no such user. Run it in a
 * transaction (`unlessLastAdmin`): its writes stand or fall together.
 */
export async function removeUser(tx: Kysely<Database>, id: string): Promise<string[] | undefined> {
  await tx.deleteFrom('conversation_reads').where('user_id', '=', id).execute();
  const unassigned = await tx
    .updateTable('conversations')
    .set({ assignee_id: null })
    .where('assignee_id', '=', id)
    .returning('id')
    .execute();
  const removed = await tx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return removed.numDeletedRows > 0n ? unassigned.map((row) => row.id) : undefined;
}

/**
 * Runs `change` (a removal, a demotion of user `id`) in a transaction, unless `id` is the last admin: then nothing
 * changes and the answer is 'last admin', for no one could manage the rest. On PostgreSQL the transaction holds the
 * admins' rows first: two admins demoting each other at once would each count the other, and leave none. (SQLite runs
 * one transaction at a time.)
 */
export async function unlessLastAdmin<T>(
  db: Kysely<Database>,
  id: string,
  change: (tx: Kysely<Database>) => Promise<T>,
): Promise<T | 'last admin'> {
  return db.transaction().execute(async (tx) => {
    const admins = await tx
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      // In one order, so that two such changes wait for each other instead of deadlocking.
      .orderBy('id')
      .$if(tx.getExecutor().adapter instanceof PostgresAdapter, (query) => query.forUpdate())
      .execute();
    if (admins.length === 1 && admins[0]?.id === id) return 'last admin';
    return change(tx);
  });
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
