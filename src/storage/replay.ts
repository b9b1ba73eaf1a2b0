import type { Kysely } from 'kysely';
import { countByStatus } from './count-by-status.ts';
import type { Database } from './schema.ts';

const SLICE = 500;

/**
 * Moves dead work back to pending, with its attempts reset; returns how many rows of each kind, and the conversations
 * whose messages it set pending again. An outbox row keeps the error of its last attempt: the dispatcher tells a
 * replayed row by it, and gives the echo of that attempt its grace before sending the row again.
 */
export async function replayDead(db: Kysely<Database>, what: { outbox: boolean; events: boolean }, now: number) {
  let outbox = 0;
  let events = 0;
  const conversations = new Set<string>();
  await db.transaction().execute(async (tx) => {
    if (what.outbox) {
      // The rows this update moves, and only those: one marked dead meanwhile is either in it or left dead.
      const moved = await tx
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
        .where('status', '=', 'dead')
        .returning(['message_id', 'conversation_id'])
        .execute();
      outbox = moved.length;
      for (const row of moved) if (row.message_id) conversations.add(row.conversation_id);
      const messageIds = moved.flatMap((d) => (d.message_id ? [d.message_id] : []));
      // In slices: an outage can leave more dead rows than a statement may bind parameters.
      for (let i = 0; i < messageIds.length; i += SLICE) {
        await tx
          .updateTable('messages')
          .set({ status: 'pending', error: null, updated_at: now })
          .where('id', 'in', messageIds.slice(i, i + SLICE))
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
  return { outbox, events, conversations: [...conversations] };
}

/** How many sends and inbound events are dead, waiting for a replay; each count stops at `limit`. */
export async function countDeadLetters(db: Kysely<Database>, limit: number) {
  return {
    sends: await countByStatus(db, 'outbox', 'dead', limit),
    events: await countByStatus(db, 'inbound_events', 'dead', limit),
  };
}
