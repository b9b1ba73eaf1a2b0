import type Sqlite from 'better-sqlite3';
import type { Kysely, QueryResult, Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Runs compiled SQL on the SQLite connection itself, as Kysely's SQLite driver would, without its async layers. */
export type DirectQuery = <R>(sql: string, parameters: readonly unknown[]) => QueryResult<R>;

/** Keyed by Kysely's adapter, which a database and its transactions share. */
const connections = new WeakMap<object, DirectQuery>();

/** Registers the statement source of a SQLite database opened through Kysely (see `openDatabase`). */
export function registerSqliteConnection(db: Kysely<Database>, prepare: (sql: string) => Sqlite.Statement): void {
  connections.set(db.getExecutor().adapter, <R>(sql: string, parameters: readonly unknown[]) => {
    const statement = prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  });
}

/**
 * The direct path for `db`, when it is safe: only inside a transaction, which holds SQLite's one connection (Kysely's
 * driver locks it for the transaction), so no other query can run between or inside ours. Each query through Kysely
 * costs a chain of promises and a lock; a turn runs a dozen.
 */
export function directQuery(db: Db): DirectQuery | undefined {
  return db.isTransaction ? connections.get(db.getExecutor().adapter) : undefined;
}
