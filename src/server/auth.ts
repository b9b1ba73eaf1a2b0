import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { findUserByEmail } from '../storage/user-repository.ts';
import { ApiError } from './errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export interface AuthenticatedUser {
  id: string;
  email: string;
  role: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthenticatedUser;
  }
}

const CACHE_MS = 60_000;

/**
 * Authenticates API calls with HTTP Basic credentials of an inbox user. scrypt is slow on purpose, so a verified
 * header is remembered (by its hash, never the password) for a minute.
 */
export function createBasicAuth(db: Kysely<Database>) {
  let decoy: Promise<string> | undefined;
  const verified = new Map<string, { user: AuthenticatedUser; until: number }>();
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization ?? '';
    const key = createHash('sha256').update(header).digest('base64url');
    const cached = verified.get(key);
    if (cached && cached.until > Date.now()) {
      request.user = cached.user;
      return;
    }
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    const [email, ...rest] = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8').split(':') : [];
    const user = email ? await findUserByEmail(db, email) : undefined;
    // An unknown email is checked against a decoy hash, so that its answer takes as long and does not tell it apart.
    decoy ??= hashPassword(randomBytes(16).toString('base64url'));
    const matches = await verifyPassword(rest.join(':'), user?.password_hash ?? (await decoy));
    if (!user || !matches) {
      reply.header('www-authenticate', 'Basic realm="Switchboard", charset="UTF-8"');
      throw new ApiError('SB_UNAUTHENTICATED');
    }
    request.user = { id: user.id, email: user.email, role: user.role };
    verified.set(key, { user: request.user, until: Date.now() + CACHE_MS });
  };
}
