/**
 * Two PostgreSQL transactions that wait on each other's rows (deadlock_detected, 40P01), or that serializable
 * isolation cannot order (serialization_failure, 40001): the server rolls one back, and that one, run again, goes
 * through. A take-over (conversation, then its outbox rows) crosses a group commit that sent a reply (outbox row)
 * and then wrote the next turn of the same conversation.
 */
function isConflict(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return code === '40P01' || code === '40001';
}

/** Runs a whole transaction again when PostgreSQL rolled it back for a conflict, up to `attempts` times in all. */
export async function retryingConflicts<T>(transaction: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= attempts || !isConflict(error)) throw error;
    }
  }
}
