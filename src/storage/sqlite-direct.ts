import type Sqlite from 'better-sqlite3';
import type { Kysely, QueryResult, Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Runs compiled SQL on the SQLite connection itself, as Kysely's SQLite driver would, without its async layers. */
export type DirectQuery = <R>(sql: string, parameters: readonly unknown[]) => QueryResult<R>;

interface Connection {
  run: DirectQuery;
  /** A transaction is open on the connection (someone else's, unless the caller holds it). */
  inTransaction(): boolean;
}

/** Keyed by Kysely's adapter, which a database and its transactions share. */
const connections = new WeakMap<object, Connection>();

/** Registers a SQLite database opened through Kysely (see `openDatabase`) and where its statements come from. */
export function registerSqliteConnection(
  db: Kysely<Database>,
  sqlite: Sqlite.Database,
  prepare: (sql: string) => Sqlite.Statement,
): void {
  connections.set(db.getExecutor().adapter, {
    inTransaction: () => sqlite.inTransaction,
    run<R>(sql: string, parameters: readonly unknown[]): QueryResult<R> {
      const statement = prepare(sql);
      if (statement.reader) return { rows: statement.all(parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(parameters);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    },
  });
}

/**
 * The direct path for `db` (whose Kysely adapter the caller may pass, having it at hand), when it is safe. Each query
 * through Kysely costs a chain of promises and a lock; a turn runs a dozen. Safe means:
 * - inside a transaction, which holds SQLite's one connection (Kysely's driver locks it for the transaction), so no
 *   other query can run between or inside ours;
 * - outside one, while no transaction is open on the connection: the statement then runs to its end before any other
 *   code does, as an autocommit of its own. While another transaction is open it would run inside it, so the query
 *   goes through Kysely, which waits for that transaction to end.
 */
export function directQuery(db: Db, adapter: object = db.getExecutor().adapter): DirectQuery | undefined {
  const connection = connections.get(adapter);
  if (!connection || (!db.isTransaction && connection.inTransaction())) return undefined;
  return connection.run;
}
