import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Rows of `table` with `status`, up to `limit`. It reads that part of the table's `(status, id)` index, at most
 * `limit` entries: cheap while the rows are few, bounded during a flood.
 */
export async function countByStatus(
  db: Kysely<Database>,
  table: 'outbox' | 'inbound_events',
  status: string,
  limit: number,
): Promise<number> {
  const rows = db.selectFrom(table).select('id').where('status', '=', status).limit(limit).as('rows');
  const row = await db
    .selectFrom(rows)
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
