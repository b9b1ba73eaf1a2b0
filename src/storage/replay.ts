import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Moves dead work back to pending, with its attempts reset; returns how many rows of each kind. */
export async function replayDead(db: Kysely<Database>, what: { outbox: boolean; events: boolean }, now: number) {
  let outbox = 0;
  let events = 0;
  await db.transaction().execute(async (tx) => {
    if (what.outbox) {
      const dead = await tx.selectFrom('outbox').select(['id', 'message_id']).where('status', '=', 'dead').execute();
      outbox = dead.length;
      await tx
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
        .where('status', '=', 'dead')
        .execute();
      const messageIds = dead.flatMap((d) => (d.message_id ? [d.message_id] : []));
      if (messageIds.length) {
        await tx
          .updateTable('messages')
          .set({ status: 'pending', error: null, updated_at: now })
          .where('id', 'in', messageIds)
          .execute();
      }
    }
    if (what.events) {
      const result = await tx
        .updateTable('inbound_events')
        .set({ status: 'pending', attempts: 0, error: null })
        .where('status', '=', 'dead')
        .executeTakeFirst();
      events = Number(result.numUpdatedRows);
    }
  });
  return { outbox, events };
}
