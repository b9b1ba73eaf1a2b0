import type { Compilable, CompiledQuery, Kysely, QueryResult, Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

const MARK = '\u0000sb:';

/**
 * A query built and compiled once per database kind, then run with new values. Building and compiling a Kysely
 * query costs several times what running it costs on SQLite, and the hot path runs the same few queries for
 * every message. `build` gets a placeholder for each value (used as is, never transformed; always pass the same
 * keys); other values in it are fixed.
 */
export function precompiled<V extends object, R>(build: (db: Db, values: V) => Compilable<R>) {
  const templates = new WeakMap<object, { compiled: CompiledQuery<R>; slots: (string | undefined)[] }>();
  return async (db: Db, values: V): Promise<QueryResult<R>> => {
    const adapter = db.getExecutor().adapter;
    let template = templates.get(adapter);
    if (!template) {
      // Placeholders under the keys of the first call's values (every call passes the same keys).
      const marks = Object.fromEntries(Object.keys(values).map((key) => [key, `${MARK}${key}`])) as V;
      const compiled = build(db, marks).compile();
      const slots = compiled.parameters.map((p) =>
        typeof p === 'string' && p.startsWith(MARK) ? p.slice(MARK.length) : undefined,
      );
      template = { compiled, slots };
      templates.set(adapter, template);
    }
    const { compiled, slots } = template;
    const parameters = slots.map((slot, i) => (slot === undefined ? compiled.parameters[i] : values[slot as keyof V]));
    return db.executeQuery<R>({ ...compiled, parameters });
  };
}
