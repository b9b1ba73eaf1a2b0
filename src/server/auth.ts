import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { createSemaphore } from '../queue/semaphore.ts';
import type { Database } from '../storage/schema.ts';
import {
  findUserByEmail,
  findUserCredentials,
  forgetSignInFailures,
  lastSignInFrom,
  purgeSignInFailures,
  recordSignIn,
  recordSignInFailure,
  signInFailuresSince,
} from '../storage/user-repository.ts';
import { isCrossSite } from './cross-site.ts';
import { ApiError } from './errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

/** The signed-in user as read at sign-in, in this request: what `/api/me` shows, without reading them again. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string | null;
  role: string;
  created_at: number;
}

const authenticated = (user: AuthenticatedUser): AuthenticatedUser => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  created_at: user.created_at,
});

/** Only admins manage the team and the pages (`what` they do): an agent works the conversations. */
export function requireAdmin(request: FastifyRequest, what = 'do this'): AuthenticatedUser {
  if (request.user?.role !== 'admin') throw new ApiError('SB_FORBIDDEN', `only admins ${what}`);
  return request.user;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthenticatedUser;
  }
}

/** The longest email an account has: the API adds none longer (nor does SMTP carry one). */
export const MAX_EMAIL_LENGTH = 254;

const CACHE_MS = 60_000;
/** A known address's time is written again at most this often: not one write per sign-in. */
const SIGN_IN_REFRESH_MS = 24 * 3_600_000;

/**
 * Failed sign-ins allowed in a sliding window before further tries are refused: per email and client address (by
 * address alone, behind a proxy one person's typos would lock everyone out), and per email from anywhere, higher,
 * since a proxy the gateway trusts (`TRUST_PROXY`) forwards whatever address it is given. Past the per-email limit
 * only addresses the account signed in from lately are heard: guessers wait, and the account's owner still signs in
 * from where they usually do (a lock for everyone would let anyone keep them out).
 */
export const SIGN_IN_LIMITS = { windowMs: 15 * 60_000, perEmailAndAddress: 10, perEmail: 50 };

/**
 * Password checks that run at once, and how many more may wait for one. scrypt runs on libuv's pool of four threads,
 * which static files and new database connections share: a flood of made-up emails (each escapes the limits above)
 * is refused past these, instead of holding the inbox's files and everyone's sign-in for tens of seconds.
 */
export const PASSWORD_CHECKS = { atOnce: 2, waiting: 16 };

/** What checking one header from one address found. */
type Verdict =
  | { user: AuthenticatedUser; passwordHash: string }
  | { refused: 'unauthenticated' | 'busy' }
  | { refused: 'too many'; waitMs: number };

/**
 * Authenticates API calls with HTTP Basic credentials of an inbox user. scrypt is slow on purpose, so a verified
 * header is remembered (by its hash, never the password) for a minute, and requests that bring the same header from
 * the same address at once share one check. A remembered header still costs a read of the user at each request: a
 * removal, a new role or a new password made through any process on the database counts at once.
 */
export function createBasicAuth(
  db: Kysely<Database>,
  /** `publicUrl`: the gateway's configured address (`PUBLIC_URL`), whose scheme the cross-site check compares. */
  { publicUrl }: { publicUrl?: string } = {},
) {
  let decoy: Promise<string> | undefined;
  /** The user each verified header signed in, and their password's hash then: changed since, the header is checked. */
  const verified = new Map<string, { user: AuthenticatedUser; passwordHash: string; until: number }>();
  const checking = new Map<string, { verdict: Promise<Verdict>; forgets: number }>();
  /**
   * How many times `forget` ran: a check begun before may have read the user it forgot (removed, or their old
   * password), so its verdict is neither remembered nor shared with requests that come after.
   */
  let forgets = 0;
  let lastSweep = 0;
  // This process's failures, counted before anything is awaited (below), and every process's, in the database.
  const failures = createFailureLog(SIGN_IN_LIMITS.windowMs);
  const hashing = createSemaphore(PASSWORD_CHECKS.atOnce);
  let lastPurge = 0;

  async function check(header: string, address: string): Promise<Verdict> {
    // The scheme is case-insensitive (RFC 9110 §11.1).
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header);
    const [email, ...rest] = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8').split(':') : [];
    // No credentials: nothing to check, and no reason to spend a hash on it. Nor on an email holding U+0000: no account
    // has one, and PostgreSQL would refuse to look it up (error 22021). Nor on one longer than any account's: PostgreSQL
    // could not index its failures past some 2,700 bytes (error 54000).
    if (!email || email.includes('\u0000') || email.length > MAX_EMAIL_LENGTH) return { refused: 'unauthenticated' };
    const account = email.toLowerCase();
    // What a trusted proxy forwards may be any text (`TRUST_PROXY=true` believes what the client wrote), which could
    // not be indexed either: anything but an IP address counts as one address.
    const from = isIP(address) ? address : 'unknown';
    // Stored too: no U+0000 (PostgreSQL refuses it in text). An address has no space: the last one splits them.
    const pair = `${account} ${from}`;
    // Refused before the slow hash, so that guessing costs the guesser's time, not the server's.
    const now = Date.now();
    const pairWait = failures.waitMs(pair, SIGN_IN_LIMITS.perEmailAndAddress, now);
    if (pairWait > 0) return { refused: 'too many', waitMs: pairWait };
    const accountWait = failures.waitMs(account, SIGN_IN_LIMITS.perEmail, now);
    // Counted as a failure before anything is awaited, and taken back unless it is one: guesses sent all at once would
    // otherwise each pass the checks above before the first of them is counted.
    for (const key of [pair, account]) failures.record(key, now);
    const takeBack = () => {
      for (const key of [pair, account]) failures.retract(key, now);
    };
    try {
      const since = now - SIGN_IN_LIMITS.windowMs;
      const [user, elsewhere] = await Promise.all([
        findUserByEmail(db, email),
        signInFailuresSince(db, [pair, account], since),
      ]);
      const pairWaitAnywhere = waitMs(elsewhere.get(pair) ?? [], SIGN_IN_LIMITS.perEmailAndAddress, now);
      if (pairWaitAnywhere > 0) {
        takeBack();
        return { refused: 'too many', waitMs: pairWaitAnywhere };
      }
      const signedInFromHere = user && lastSignInFrom(user, from, now);
      const accountWaitAnywhere = Math.max(
        accountWait,
        waitMs(elsewhere.get(account) ?? [], SIGN_IN_LIMITS.perEmail, now),
      );
      if (accountWaitAnywhere > 0 && !signedInFromHere) {
        takeBack();
        return { refused: 'too many', waitMs: accountWaitAnywhere };
      }
      if (hashing.load >= PASSWORD_CHECKS.atOnce + PASSWORD_CHECKS.waiting) {
        takeBack();
        return { refused: 'busy' };
      }
      // An unknown email is checked against a decoy hash, so that its answer takes as long and does not tell it apart.
      decoy ??= hashPassword(randomBytes(16).toString('base64url'));
      const stored = user?.password_hash ?? (await decoy);
      const matches = await hashing.run(() => verifyPassword(rest.join(':'), stored));
      if (!user || !matches) {
        await recordSignInFailure(db, [pair, account], now);
        if (now - lastPurge > SIGN_IN_LIMITS.windowMs) {
          lastPurge = now;
          await purgeSignInFailures(db, since);
        }
        return { refused: 'unauthenticated' };
      }
      takeBack();
      failures.forget(pair);
      await forgetSignInFailures(db, pair);
      if ((signedInFromHere ?? 0) < now - SIGN_IN_REFRESH_MS) await recordSignIn(db, user, from, now);
      return { user: authenticated(user), passwordHash: user.password_hash };
    } catch (error) {
      // The database failed, not the person: no failure of theirs to count.
      takeBack();
      throw error;
    }
  }

  /** Who `header` signs in from `address`: remembered, or checked once for the requests that bring it at once. */
  async function signIn(header: string, address: string): Promise<Verdict> {
    const key = createHash('sha256').update(header).digest('base64url');
    const cached = verified.get(key);
    if (cached && cached.until > Date.now()) {
      const current = await findUserCredentials(db, cached.user.id);
      if (current?.password_hash === cached.passwordHash) {
        return { user: authenticated(current), passwordHash: current.password_hash };
      }
      // Removed, or given another password: the header is checked afresh.
      verified.delete(key);
    }
    const flightKey = `${key}\u0000${address}`;
    let flight = checking.get(flightKey);
    if (flight?.forgets !== forgets) {
      const verdict: Promise<Verdict> = check(header, address).finally(() => {
        if (checking.get(flightKey)?.verdict === verdict) checking.delete(flightKey);
      });
      flight = { verdict, forgets };
      checking.set(flightKey, flight);
    }
    const found = await flight.verdict;
    if ('user' in found && flight.forgets === forgets) remember(key, found);
    return found;
  }

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (isCrossSite(request, publicUrl)) throw new ApiError('SB_CROSS_SITE');
    const found = await signIn(request.headers.authorization ?? '', request.ip);
    if ('user' in found) {
      request.user = found.user;
      return;
    }
    if (found.refused === 'too many') {
      reply.header('retry-after', String(Math.ceil(found.waitMs / 1000)));
      throw new ApiError('SB_TOO_MANY_SIGN_INS');
    }
    if (found.refused === 'busy') {
      reply.header('retry-after', '1');
      throw new ApiError('SB_SIGN_INS_BUSY');
    }
    reply.header('www-authenticate', 'Basic realm="Switchboard", charset="UTF-8"');
    throw new ApiError('SB_UNAUTHENTICATED');
  }

  /**
   * The user was removed, or given another role or password: requests that come after do not share a check begun
   * before, and what they hold open here is ended (`onForget`). Their remembered headers need nothing: each request
   * reads the user.
   */
  function forget(userId: string) {
    forgets += 1;
    for (const listener of forgetListeners) listener(userId);
  }

  /** Told of each user forgotten: what they hold open (a live stream) was authenticated once, at its start. */
  const forgetListeners = new Set<(userId: string) => void>();
  function onForget(listener: (userId: string) => void) {
    forgetListeners.add(listener);
  }

  /**
   * Whether what `request` signed in with still signs in its user, in the role they had then, as a live stream asks
   * now and then: a change made through another process on the database is not told to `onForget` here. Busy, or the
   * database out of reach: yes.
   */
  async function stillSignedIn(request: FastifyRequest): Promise<boolean> {
    try {
      const found = await signIn(request.headers.authorization ?? '', request.ip);
      if (!('user' in found)) return found.refused === 'busy';
      return found.user.id === request.user?.id && found.user.role === request.user.role;
    } catch {
      return true;
    }
  }

  return Object.assign(authenticate, { forget, onForget, stillSignedIn });

  function remember(key: string, found: { user: AuthenticatedUser; passwordHash: string }) {
    const now = Date.now();
    // Headers no one sends again (or sends padded differently) are dropped once a minute: the map stays small.
    if (now - lastSweep > CACHE_MS) {
      for (const [k, entry] of verified) if (entry.until <= now) verified.delete(k);
      lastSweep = now;
    }
    verified.set(key, { ...found, until: now + CACHE_MS });
  }
}

/** How long until a key with failures at `times` (within the window, oldest first) may try again: 0 below `max`. */
function waitMs(times: number[], max: number, at: number): number {
  return times.length < max ? 0 : (times[times.length - max] as number) + SIGN_IN_LIMITS.windowMs - at;
}

/** Times of failed sign-ins per key within a sliding window; a key is dropped once its window has passed. */
function createFailureLog(windowMs: number) {
  const log = new Map<string, number[]>();
  let lastSweep = 0;
  const recent = (key: string, at: number) => {
    const times = (log.get(key) ?? []).filter((t) => t > at - windowMs);
    if (times.length) log.set(key, times);
    else log.delete(key);
    return times;
  };
  return {
    /** How long until `key` may try again: 0 while it has fewer than `max` failures in the window. */
    waitMs: (key: string, max: number, at: number): number => waitMs(recent(key, at), max, at),
    record(key: string, at: number) {
      // Keys no one tries again are dropped by a sweep once a window.
      if (at - lastSweep > windowMs) {
        for (const k of [...log.keys()]) recent(k, at);
        lastSweep = at;
      }
      log.set(key, [...recent(key, at), at]);
    },
    /** Takes back one failure recorded at `at`. */
    retract(key: string, at: number) {
      const times = log.get(key) ?? [];
      const index = times.indexOf(at);
      if (index >= 0) times.splice(index, 1);
      if (times.length === 0) log.delete(key);
    },
    forget: (key: string) => log.delete(key),
  };
}
