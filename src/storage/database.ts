import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ConfigError } from '../config/config-error.ts';
import { createFileSync } from './file-sync.ts';
import type { Database } from './schema.ts';
import { registerSqliteConnection } from './sqlite-direct.ts';
import type { WriteLock } from './write-lock.ts';

/** What differs between the databases, as capabilities rather than dialect checks at every call site. */
export interface DatabaseCapabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** Several processes may share the database (PostgreSQL); SQLite is owned by one process. */
  readonly sharedAcrossProcesses: boolean;
  /** Write transactions worth running at once: SQLite has one writer; PostgreSQL uses part of the pool. */
  readonly concurrentWriters: number;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  capabilities: DatabaseCapabilities;
  /**
   * Makes every commit so far survive a power loss, on the calling thread: once per webhook batch, before its 200s.
   * Every commit survives a process crash without it.
   */
  persist(): void;
  /** Moves the WAL's pages into the database file; only with `writeLock`, where no commit does it. */
  checkpoint(): void;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** SQLite: the database must exist already (a command run from the wrong folder must not create an empty one). */
  mustExist?: boolean;
  /** Hears of idle PostgreSQL connections the server ended; the error carries credentials, so log its message only. */
  onConnectionLost?: (error: Error) => void;
  /**
   * SQLite written by several threads of this process: every write takes this lock first (see write-lock.ts), and no
   * commit runs a WAL checkpoint while holding it; the owner calls `checkpoint()` instead.
   */
  writeLock?: WriteLock;
  /** With `writeLock`: WAL pages past which `checkpoint()` finishes under the lock (tests lower it). */
  walRestartPages?: number;
  /**
   * PostgreSQL: how long a query waits for a connection (a new one, or a free one of the pool) before it fails. Default
   * 5 s; without it a server that does not answer, or a pool whose connections are all busy, held `/readyz` and every
   * request for ever (tests lower it).
   */
  connectTimeoutMs?: number;
  /** Where the URL came from, named in errors (`Config.sources`); default DATABASE_URL. */
  setting?: string;
}

/**
 * WAL pages (16 MB) past which a checkpoint finishes under the write lock. A checkpoint copies the WAL's pages beside
 * the other thread's writes, and the WAL starts over only after a copy that nothing was written during; under steady
 * writes that never happens, and the WAL grew for ever (about 40 MB a second at 1,000 events/s). Copied again under
 * the lock, the few pages written meanwhile leave nothing behind, and the next write starts the WAL over.
 */
const WAL_RESTART_PAGES = 4096;

const CONNECT_TIMEOUT_MS = 5_000;

// PostgreSQL returns BIGINT (our epoch-ms timestamps) as strings by default; they fit a JS number exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Errors of a database that is down, unknown or refuses the credentials: the URL is to check, not the code. */
const UNREACHABLE = new Set([
  ...['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH'],
  // SQLite: a file or folder that cannot be made or opened.
  ...['SQLITE_CANTOPEN', 'EEXIST', 'ENOTDIR', 'EISDIR', 'EACCES', 'EROFS'],
]);

/**
 * The setting to check, in one line, when `error` says the database cannot be used at all; otherwise undefined.
 * `setting` is where the URL came from (`Config.sources`): DATABASE_URL, or the key of switchboard.yaml.
 */
export function unusableDatabase(error: unknown, setting = 'DATABASE_URL'): ConfigError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const unusable =
    (typeof code === 'string' && (UNREACHABLE.has(code) || code === '3D000' || code.startsWith('28'))) ||
    (typeof message === 'string' && message.startsWith('timeout exceeded when trying to connect'));
  if (!unusable) return undefined;
  return new ConfigError([
    `${setting}: cannot use the database (${String(message)}): check that its server runs, and the URL's host, ` +
      'port, database name, credentials or file path',
  ]);
}

/** Opens `sqlite:<path>` (`sqlite::memory:` for tests) or `postgres://...`. */
export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  const setting = options.setting ?? 'DATABASE_URL';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      // A process cut off from the server (a network split, a frozen machine) holds its open transactions' row locks:
      // the server ends them after 30 s idle, and notices a silent peer within about 25 s, instead of the system's 2
      // hours, so the process that takes the processing lock over is not blocked behind them.
      idle_in_transaction_session_timeout: 30_000,
      options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3',
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // An idle connection the server ends (a restart, a failover) is dropped by the pool and replaced on next use;
    // without a listener pg rethrows it and the process dies.
    const lost = options.onConnectionLost ?? (() => {});
    pool.on('error', lost);
    // A connection in use when the server ends it fails its query, whose caller hears of it; its own 'error' event,
    // unheard, would end the process. (An idle one is the pool's, reported above.)
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    // PostgreSQL's default (synchronous_commit on) makes every commit durable.
    return {
      db,
      capabilities: { dialect: 'postgres', sharedAcrossProcesses: true, concurrentWriters: 4 },
      persist: () => {},
      checkpoint: () => {},
      close: () => db.destroy(),
    };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (options.mustExist && (path === ':memory:' || !existsSync(path)))
      throw new ConfigError([
        `${setting}: no database at ${path}: run this where the gateway runs, or point it at the gateway's database`,
      ]);
    let sqlite: SQLite.Database;
    try {
      const created = path !== ':memory:' && !existsSync(path);
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      sqlite = new SQLite(path);
      // Conversations and password hashes are for the gateway's user alone; SQLite gives its WAL the same mode. A file
      // the operator made keeps theirs.
      if (created) chmodSync(path, 0o600);
    } catch (error) {
      throw unusableDatabase(error, setting) ?? error;
    }
    sqlite.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a process crash but not a power loss. Writes that must survive power
    // loss (the webhook's events before its 200) are followed by an fdatasync of the WAL (`persist`), which persists
    // every commit before it; FULL would flush inside the commit, holding the write lock the processing thread waits
    // for. See docs/adr/0001-storage.md.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    if (options.writeLock) sqlite.pragma('wal_autocheckpoint = 0');
    // Once the WAL starts over, its file is cut back to this size: above the restart size, so that in steady use the
    // file is rewritten in place, and its flushes change no file size.
    sqlite.pragma('journal_size_limit = 67108864');
    const restartPages = options.walRestartPages ?? WAL_RESTART_PAGES;
    const statements = withStatementCache(sqlite, options.writeLock);
    const db = new Kysely<Database>({ dialect: new TransactionalDdlSqliteDialect({ database: statements }) });
    registerSqliteConnection(db, sqlite, statements.prepare);
    const wal = path === ':memory:' ? undefined : createFileSync(`${path}-wal`);
    return {
      db,
      capabilities: { dialect: 'sqlite', sharedAcrossProcesses: false, concurrentWriters: 1 },
      persist: () => wal?.sync(),
      checkpoint: () => {
        if (sqlite.inTransaction) return;
        const [{ log }] = sqlite.pragma('wal_checkpoint(PASSIVE)') as [{ log: number }];
        const lock = options.writeLock;
        if (!lock || log < restartPages) return;
        // Once more outside the lock first: what was written during the pass above is copied and flushed here, so that
        // the pass under the lock, which the webhook's inserts wait for, has only a few pages to copy and flush.
        sqlite.pragma('wal_checkpoint(PASSIVE)');
        lock.acquire();
        try {
          sqlite.pragma('wal_checkpoint(PASSIVE)');
        } finally {
          lock.release();
        }
      },
      async close() {
        wal?.close();
        await db.destroy();
      },
    };
  }
  // Only the scheme is shown: what follows it may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? 'no scheme';
  throw new Error(`${setting} must start with sqlite: or postgres:// (got ${scheme})`);
}

/**
 * SQLite's schema changes are transactional, though Kysely's adapter says otherwise to be safe. Said so, Kysely runs
 * the migrations in a transaction, as on PostgreSQL: one cut short (a full disk, a kill) is rolled back and runs again
 * at the next start, instead of leaving half its columns behind for good.
 */
class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter() {
    return new (class extends SqliteAdapter {
      override get supportsTransactionalDdl() {
        return true;
      }
    })();
  }
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing costs about as much as
 * running a small query. The hot path has a few dozen distinct statements, so they are kept (bounded).
 */
function withStatementCache(sqlite: SQLite.Database, lock: WriteLock | undefined, max = 500) {
  const cache = new Map<string, SQLite.Statement>();
  const locking = lock && lockingWrites(sqlite, lock);
  return {
    close: () => sqlite.close(),
    prepare(query: string) {
      let statement = cache.get(query);
      if (!statement) {
        statement = sqlite.prepare(query);
        if (locking) statement = locking(query, statement);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(query, statement);
      }
      return statement;
    },
  };
}

/**
 * Wraps a writing statement so that it holds the write lock: a transaction from its `begin` to its `commit` or
 * `rollback` (Kysely's driver runs those as statements), a write outside a transaction for its own run.
 */
function lockingWrites(sqlite: SQLite.Database, lock: WriteLock) {
  let held = false;
  const take = () => {
    if (!held) lock.acquire();
    held = true;
  };
  const give = () => {
    if (held) lock.release();
    held = false;
  };
  return (query: string, statement: SQLite.Statement): SQLite.Statement => {
    const verb = query.trim().split(/\s/, 1)[0]?.toLowerCase();
    const opens = verb === 'begin';
    const closes = verb === 'commit' || verb === 'rollback';
    // SQLite counts transaction control as read-only.
    if (statement.readonly && !opens && !closes) return statement;
    /** Inside a transaction the lock is already held; outside one, the statement is a transaction of its own. */
    const alone = (method: 'run' | 'all', parameters: unknown[]) => {
      if (sqlite.inTransaction) return statement[method](...parameters);
      take();
      try {
        return statement[method](...parameters);
      } finally {
        give();
      }
    };
    const run = (parameters: unknown[]) => {
      if (opens) {
        take();
        try {
          return statement.run(...parameters);
        } catch (error) {
          give();
          throw error;
        }
      }
      if (closes) {
        try {
          return statement.run(...parameters);
        } finally {
          if (!sqlite.inTransaction) give();
        }
      }
      return alone('run', parameters);
    };
    return {
      reader: statement.reader,
      run: (...parameters: unknown[]) => run(parameters),
      // A writing statement with RETURNING is read with `all`.
      all: (...parameters: unknown[]) => alone('all', parameters),
      iterate: (...parameters: unknown[]) => statement.iterate(...parameters),
    } as unknown as SQLite.Statement;
  };
}
