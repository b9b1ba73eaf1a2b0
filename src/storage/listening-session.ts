import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

/** How long connecting or a call on a listening session may take before the connection counts as lost. */
const CALL_TIMEOUT_MS = 5_000;

export interface ListeningSessionOptions {
  databaseUrl: string;
  channel: string;
  /** Each notice's payload on `channel`. */
  heard: (payload: string) => void;
  /** The session failed or ended: what it held (a lock, the notices) is gone. */
  lost: (session: pg.Client, err: Error) => void;
}

/**
 * A PostgreSQL session of its own, connected and listening on `channel` (LISTEN and session locks need one; a pool's
 * connections come and go). Its calls time out, and the server ends it within about half a minute once its peer went
 * silent (TCP keepalives), not after the two hours of the system's default: a partitioned process does not keep a lock,
 * nor a listener that hears nothing.
 */
export async function openListeningSession(options: ListeningSessionOptions): Promise<pg.Client> {
  const { channel } = options;
  const session = new pg.Client({
    connectionString: options.databaseUrl,
    connectionTimeoutMillis: CALL_TIMEOUT_MS,
    query_timeout: CALL_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3',
    // Named after what it listens to: an operator (or a test) tells the sessions apart in pg_stat_activity.
    application_name: `switchboard ${channel}`,
  });
  session.on('error', (err) => options.lost(session, err));
  session.on('end', () => options.lost(session, new Error('the connection ended')));
  session.on('notification', (message) => {
    if (message.channel === channel && message.payload) options.heard(message.payload);
  });
  try {
    await session.connect();
    await session.query(`LISTEN ${channel}`);
  } catch (error) {
    await session.end().catch(() => {});
    throw error;
  }
  return session;
}

/** Sends notices on `channel` through the pool, several in one statement: what listening sessions hear. */
export function notifier(db: Kysely<Database>, channel: string) {
  return async (payloads: string[]) =>
    void (await sql`select pg_notify(${channel}, p) from unnest(${payloads}::text[]) as p`.execute(db));
}
