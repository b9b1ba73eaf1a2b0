import type { Kysely } from 'kysely';
import { ATTACHMENT_ID_MAX_AGE_MS } from './attachment-cache.ts';
import { idFloor } from './ids.ts';
import type { Database } from './schema.ts';

/**
 * How long handled inbound events are kept. Their keys are what recognises redeliveries, which design.md promises
 * for at least 24 hours; a week leaves room for Facebook's longest retry schedules.
 */
export const EVENT_RETENTION_MS = 7 * 24 * 60 * 60_000;
/** Quarantined bodies are kept longer, for someone to inspect. */
export const QUARANTINE_RETENTION_MS = 30 * 24 * 60 * 60_000;
/**
 * Rows deleted per statement. The purge runs beside the webhook: on SQLite each statement holds the write lock (and
 * the thread) while it runs, so a busy week's worth of events goes in short steps with other work between them.
 */
export const PURGE_BATCH = 1000;

const HANDLED = ['done', 'ignored', 'throttled'] as const;

/**
 * Deletes handled events, old quarantined bodies and attachment ids too old to use; pending and dead events are never
 * deleted. Only rows stored
 * before the cut-off can qualify (ids sort by creation), so each step reads a range of the primary key or of
 * `(status, id)`, not every event kept.
 */
export async function purgeExpired(
  db: Kysely<Database>,
  now: number,
  batch = PURGE_BATCH,
): Promise<{ events: number; quarantined: number; attachmentIds: number }> {
  const eventsBefore = now - EVENT_RETENTION_MS;
  const events = await inSteps(batch, (limit) =>
    db
      .deleteFrom('inbound_events')
      .where('id', 'in', (q) =>
        q
          .selectFrom('inbound_events')
          .select('id')
          .where('status', 'in', HANDLED)
          .where('id', '<', idFloor(eventsBefore))
          // A dead event replayed lately was handled lately: its key is kept a week from then.
          .where('processed_at', '<', eventsBefore)
          .limit(limit),
      )
      .executeTakeFirst(),
  );
  const quarantineBefore = now - QUARANTINE_RETENTION_MS;
  const quarantined = await inSteps(batch, (limit) =>
    db
      .deleteFrom('webhook_quarantine')
      .where('id', 'in', (q) =>
        q
          .selectFrom('webhook_quarantine')
          .select('id')
          .where('id', '<', idFloor(quarantineBefore))
          .where('received_at', '<', quarantineBefore)
          .limit(limit),
      )
      .executeTakeFirst(),
  );
  // Few rows (one per media address a page sent lately): no step needed.
  const attachmentIds = Number(
    (
      await db
        .deleteFrom('attachment_cache')
        .where('created_at', '<', now - ATTACHMENT_ID_MAX_AGE_MS)
        .executeTakeFirst()
    ).numDeletedRows,
  );
  return { events, quarantined, attachmentIds };
}

/** Runs a bounded delete until it deletes less than a full step, letting other work run between steps. */
async function inSteps(batch: number, step: (limit: number) => Promise<{ numDeletedRows: bigint }>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = Number((await step(batch)).numDeletedRows);
    total += deleted;
    if (deleted < batch) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
