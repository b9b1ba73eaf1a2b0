import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../storage/schema.ts';
import {
  createUser,
  findUser,
  listUsers,
  removeUser,
  USER_ROLES,
  unlessLastAdmin,
  updateUser,
} from '../storage/user-repository.ts';
import { MAX_EMAIL_LENGTH, requireAdmin } from './auth.ts';
import { ApiError } from './errors.ts';
import { parseRequest } from './request-parsing.ts';

export interface UserRoutesDeps {
  db: Kysely<Database>;
  /** The admin of the configuration (`SWITCHBOARD_ADMIN_EMAIL`): every start makes it an admin with that password. */
  configuredAdmin: string | undefined;
  /** Drops what the process remembers of a user's sign-in, so that a removal or a new password counts at once. */
  forget: (userId: string) => void;
  /** Tells the inboxes of a conversation this changed: its assignee, a user removed. */
  announce: (conversationId: string) => void;
  now: () => number;
}

/** Long enough to resist guessing at the sign-in limits, short enough to type: 16 random bytes, 22 characters. */
function generatePassword(): string {
  return randomBytes(16).toString('base64url');
}

const name = z
  .string()
  .trim()
  .max(100)
  .transform((value) => value || null);
const role = z.enum(USER_ROLES);
const newUser = z.object({
  email: z.string().trim().toLowerCase().email().max(MAX_EMAIL_LENGTH),
  name: name.optional(),
  role: role.default('agent'),
});
const userChange = z.object({ name: name.optional(), role: role.optional() }).strict();
const ownName = z.object({ name }).strict();
/** A password a user chooses: passphrases welcome, so only a floor. */
const ownPassword = z.object({ password: z.string().min(12).max(200) });
const userParams = z.object({ id: z.string().min(1) });

/** What refuses a change the configuration makes again at each start. */
const CONFIGURED_PASSWORD = 'this admin’s password is SWITCHBOARD_ADMIN_PASSWORD: change it there';
const configuredAdmin = (email: string) => `${email} is the admin of the configuration (SWITCHBOARD_ADMIN_EMAIL)`;

/**
 * The inbox's users: who is signed in (`/api/me`, and their own name and password), and for admins the team: add (the answer
 * holds a generated password, shown once and never stored in clear), rename, change role, give a new password,
 * remove. The configured admin is changed through the configuration only, and the last admin stays one.
 */
export const userRoutes: FastifyPluginAsync<UserRoutesDeps> = async (app, deps) => {
  const existing = async (params: unknown) => {
    const { id } = parseRequest(userParams, params);
    const user = await findUser(deps.db, id);
    if (!user) throw new ApiError('SB_NOT_FOUND', `no user ${id}`);
    return user;
  };
  const configured = (email: string) => email === deps.configuredAdmin?.toLowerCase();
  /** The signed-in user as signing in read them, in this request: not read again. */
  const signedIn = (request: FastifyRequest) => {
    if (!request.user) throw new ApiError('SB_UNAUTHENTICATED');
    return request.user;
  };

  app.get('/api/me', async (request) => {
    const { id, email, name, role, created_at } = signedIn(request);
    return { data: { id, email, name, role, created_at, configured_admin: configured(email) } };
  });

  // Everyone names themselves: the name their replies are signed with in the inbox (Agent · Ana).
  app.patch('/api/me', async (request) => {
    const user = signedIn(request);
    const { name: chosen } = parseRequest(ownName, request.body);
    const updated = await updateUser(deps.db, user.id, { name: chosen }, deps.now());
    if (!updated) throw new ApiError('SB_UNAUTHENTICATED');
    return { data: { ...updated, configured_admin: configured(updated.email) } };
  });

  app.post('/api/me/password', async (request) => {
    const user = signedIn(request);
    if (configured(user.email)) throw new ApiError('SB_FORBIDDEN', CONFIGURED_PASSWORD);
    const { password } = parseRequest(ownPassword, request.body);
    const changed = await updateUser(deps.db, user.id, { password }, deps.now());
    // Removed since signing in read them: nothing changed, and signed out.
    if (!changed) throw new ApiError('SB_UNAUTHENTICATED');
    deps.forget(user.id);
    return { data: { changed: true } };
  });

  app.get('/api/users', async () => ({
    data: (await listUsers(deps.db)).map((user) => ({ ...user, configured_admin: configured(user.email) })),
  }));

  app.post('/api/users', async (request, reply) => {
    requireAdmin(request);
    const asked = parseRequest(newUser, request.body);
    const password = generatePassword();
    const user = await createUser(deps.db, { ...asked, name: asked.name ?? null, password }, deps.now());
    if (!user) throw new ApiError('SB_CONFLICT', `${asked.email} has an account already`);
    return reply.code(201).send({ data: { user, password } });
  });

  app.patch('/api/users/:id', async (request) => {
    const admin = requireAdmin(request);
    const user = await existing(request.params);
    const change = parseRequest(userChange, request.body);
    const demoted = change.role === 'agent' && user.role === 'admin';
    if (demoted) {
      if (configured(user.email)) throw new ApiError('SB_FORBIDDEN', configuredAdmin(user.email));
      if (user.id === admin.id) throw new ApiError('SB_FORBIDDEN', 'ask another admin to make you an agent');
    }
    const update = (db: Kysely<Database>) => updateUser(db, user.id, change, deps.now());
    const updated = demoted ? await unlessLastAdmin(deps.db, user.id, update) : await update(deps.db);
    if (updated === 'last admin') throw new ApiError('SB_FORBIDDEN', 'the last admin stays an admin');
    if (!updated) throw new ApiError('SB_NOT_FOUND', `no user ${user.id}`);
    deps.forget(user.id);
    return { data: updated };
  });

  app.post('/api/users/:id/password', async (request) => {
    const admin = requireAdmin(request);
    const user = await existing(request.params);
    if (configured(user.email)) throw new ApiError('SB_FORBIDDEN', CONFIGURED_PASSWORD);
    // It would end the session that is to show it.
    if (user.id === admin.id) throw new ApiError('SB_FORBIDDEN', 'choose your own password instead (/api/me/password)');
    const password = generatePassword();
    // Removed since read: the password would sign in nobody.
    if (!(await updateUser(deps.db, user.id, { password }, deps.now())))
      throw new ApiError('SB_NOT_FOUND', `no user ${user.id}`);
    deps.forget(user.id);
    return { data: { user, password } };
  });

  app.delete('/api/users/:id', async (request, reply) => {
    const admin = requireAdmin(request);
    const user = await existing(request.params);
    if (configured(user.email)) throw new ApiError('SB_FORBIDDEN', configuredAdmin(user.email));
    if (user.id === admin.id) throw new ApiError('SB_FORBIDDEN', 'ask another admin to remove you');
    const unassigned = await unlessLastAdmin(deps.db, user.id, (tx) => removeUser(tx, user.id));
    if (unassigned === 'last admin') throw new ApiError('SB_FORBIDDEN', 'the last admin cannot be removed');
    deps.forget(user.id);
    // Nobody's now: the inboxes that show them as the user's would say so until each row changed again.
    for (const id of unassigned ?? []) deps.announce(id);
    return reply.code(204).send();
  });
};
