import type { Kysely, Transaction } from 'kysely';
import { createGroupCommit } from '../queue/group-commit.ts';
import type { Database } from './schema.ts';

/**
 * How long an idle pipeline gathers writes before its transaction. A commit costs a few hundred µs of CPU on SQLite
 * (a write per changed page); at a few hundred events/s, turns arrive one by one and would each pay it. Two ms on a
 * reply's way out is far below what a person notices.
 */
const GATHER_MS = 2;

type Write = (tx: Transaction<Database>) => Promise<unknown>;
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Runs one transaction: a throw rolls it back, and the error is the caller's. */
export type TransactionRunner = <T>(write: (tx: Transaction<Database>) => Promise<T>) => Promise<T>;

/**
 * Group commit for the workers' writes: the transactions submitted while one is being written share the next
 * one, so the cost of a transaction is paid once per batch instead of once per event. If the shared transaction
 * fails, each write runs again in a transaction of its own, so one bad write never fails the others.
 *
 * `pipelines` group commits run side by side, each on its own connection. SQLite has one writer, so one is all it
 * can use; on PostgreSQL a single pipeline would queue every turn behind one connection's round trips. Writes of one
 * person never race: the inbound worker waits for each turn's commit before the next.
 */
export function createBatchedWrites(db: Kysely<Database>, pipelines = 1): TransactionRunner {
  const runAlone = async (write: Write): Promise<Outcome> => {
    try {
      return { ok: true, value: await db.transaction().execute(write) };
    } catch (error) {
      return { ok: false, error };
    }
  };
  const writeBatch = async (writes: Write[]): Promise<Outcome[]> => {
    if (writes.length === 1) return [await runAlone(writes[0] as Write)];
    let written = false;
    try {
      return await db.transaction().execute(async (tx) => {
        const values: Outcome[] = [];
        for (const write of writes) values.push({ ok: true, value: await write(tx) });
        written = true;
        return values;
      });
    } catch (error) {
      // The commit's answer was lost with the connection: it may have committed, and the writes done again would be
      // done twice (an agent's reply queued twice). Each fails instead, as a write alone would, for its caller to settle.
      if (written && !refusedByDatabase(error)) return writes.map(() => ({ ok: false, error }));
      const outcomes: Outcome[] = [];
      for (const write of writes) outcomes.push(await runAlone(write));
      return outcomes;
    }
  };
  const commits = Array.from({ length: Math.max(1, pipelines) }, () => createGroupCommit(writeBatch, 200, GATHER_MS));
  let turn = 0;
  return async <T>(write: (tx: Transaction<Database>) => Promise<T>): Promise<T> => {
    const commit = commits[turn++ % commits.length] as (typeof commits)[number];
    const [outcome] = await commit.submit([write]);
    if (!outcome?.ok) throw outcome?.error;
    return outcome.value as T;
  };
}

/**
 * An error the database answered with, its transaction rolled back: SQLite's, or PostgreSQL's (pg gives its errors a
 * severity; Node's own, such as EPIPE, have none) other than a lost connection (class 08) or a server that ends it
 * (class 57: shutdown, terminated).
 */
function refusedByDatabase(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  if (typeof code !== 'string') return false;
  if (code.startsWith('SQLITE_')) return true;
  return typeof severity === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57)/.test(code);
}
