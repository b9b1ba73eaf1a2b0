import type { OutboxRow, SendErrorFields } from '../storage/outbox-repository.ts';

/**
 * What Graph answered for a send that the database then refused to record, kept until a write of it goes through:
 * a row Graph accepted is written `sent` on its next turn instead of being sent again, and a failed attempt whose
 * retry could not be written (the row reads back as never tried) keeps its count and its wait, so retries still end.
 */
export function createUnrecordedWrites() {
  const retries = new Map<string, { attempts: number; nextAttemptAt: number; error: SendErrorFields }>();
  return {
    /** Rows Graph accepted whose `sent` could not be written. */
    accepted: new Map<string, { externalId: string | undefined; sentAt: number }>(),
    retries,
    /** The row as its unrecorded retry left it: tried that many times, not due before its back-off. */
    withRetry(row: OutboxRow): OutboxRow {
      const unrecorded = retries.get(row.id);
      if (!unrecorded) return row;
      if (row.attempts >= unrecorded.attempts) {
        // A later attempt's retry was written: the database knows best.
        retries.delete(row.id);
        return row;
      }
      return {
        ...row,
        attempts: unrecorded.attempts,
        next_attempt_at: Math.max(row.next_attempt_at, unrecorded.nextAttemptAt),
      };
    },
  };
}
