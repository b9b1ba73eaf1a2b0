import type { Compilable, CompiledQuery, Kysely, QueryResult, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { directQuery } from './sqlite-direct.ts';

type Db = Kysely<Database> | Transaction<Database>;

const MARK = '\u0000sb:';

/**
 * A query built and compiled once per database kind and set of value keys, then run with new values. Building and
 * compiling a Kysely query costs several times what running it costs on SQLite, and the hot path runs the same few
 * queries for every message. `build` gets a placeholder for each value (used as is, never transformed); other values
 * in it are fixed. A query whose keys vary (an update of whichever columns changed) gets one template per set of
 * keys with a defined value. On SQLite it runs on the connection directly when that is safe (see `directQuery`).
 */
export function precompiled<V extends object, R>(build: (db: Db, values: V) => Compilable<R>) {
  type Template = { compiled: CompiledQuery<R>; slots: (string | undefined)[]; keys: string[] };
  const templates = new WeakMap<object, Map<string, Template>>();
  /** Per database, the template used last: most queries get the same keys every time, which skips the lookup. */
  const lastUsed = new WeakMap<object, Template>();
  // Not async: on SQLite's direct path the result is there at once, and the hot path awaits a dozen of these per
  // event; an async function would add a promise to each.
  return (db: Db, values: V): QueryResult<R> | Promise<QueryResult<R>> => {
    const adapter = db.getExecutor().adapter;
    let template = lastUsed.get(adapter);
    if (!template || !fits(template.keys, values)) {
      template = templateFor(adapter, db, values);
      lastUsed.set(adapter, template);
    }
    const { compiled, slots } = template;
    const parameters: unknown[] = new Array(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      parameters[i] = slot === undefined ? compiled.parameters[i] : values[slot as keyof V];
    }
    const direct = directQuery(db, adapter);
    if (direct) return direct<R>(compiled.sql, parameters);
    return db.executeQuery<R>({ ...compiled, parameters });
  };

  function templateFor(adapter: object, db: Db, values: V): Template {
    let byKeys = templates.get(adapter);
    if (!byKeys) {
      byKeys = new Map();
      templates.set(adapter, byKeys);
    }
    // Keys whose value is undefined are left out, as Kysely leaves them out of `set` and `values`.
    const keys = Object.keys(values).filter((key) => values[key as keyof V] !== undefined);
    const shape = keys.join();
    let template = byKeys.get(shape);
    if (!template) {
      const marks = Object.fromEntries(keys.map((key) => [key, `${MARK}${key}`])) as V;
      const compiled = build(db, marks).compile();
      const slots = compiled.parameters.map((p) =>
        typeof p === 'string' && p.startsWith(MARK) ? p.slice(MARK.length) : undefined,
      );
      template = { compiled, slots, keys };
      byKeys.set(shape, template);
    }
    return template;
  }
}

/** True when `values` defines exactly these keys (in any order: slots are looked up by name). */
function fits(keys: readonly string[], values: object): boolean {
  const record = values as Record<string, unknown>;
  let defined = 0;
  for (const key in record) if (record[key] !== undefined) defined++;
  if (defined !== keys.length) return false;
  for (const key of keys) if (record[key] === undefined) return false;
  return true;
}
