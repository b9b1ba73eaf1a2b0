import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * How long handled inbound events are kept. Their keys are what recognises redeliveries, which design.md promises
 * for at least 24 hours; a week leaves room for Facebook's longest retry schedules.
 */
export const EVENT_RETENTION_MS = 7 * 24 * 60 * 60_000;
/** Quarantined bodies are kept longer, for someone to inspect. */
export const QUARANTINE_RETENTION_MS = 30 * 24 * 60 * 60_000;

/** Deletes handled events and old quarantined bodies; pending and dead events are never deleted. */
export async function purgeExpired(
  db: Kysely<Database>,
  now: number,
): Promise<{ events: number; quarantined: number }> {
  const events = await db
    .deleteFrom('inbound_events')
    .where('status', 'in', ['done', 'ignored', 'throttled'])
    .where('processed_at', '<', now - EVENT_RETENTION_MS)
    .executeTakeFirst();
  const quarantined = await db
    .deleteFrom('webhook_quarantine')
    .where('received_at', '<', now - QUARANTINE_RETENTION_MS)
    .executeTakeFirst();
  return { events: Number(events.numDeletedRows), quarantined: Number(quarantined.numDeletedRows) };
}
