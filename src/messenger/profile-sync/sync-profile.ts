import { isDeepStrictEqual } from 'node:util';
import {
  type GraphClient,
  type GraphFailureKind,
  isRetryableKind,
  type MessengerProfile,
  type MessengerProfileField,
} from '../graph/graph-client.ts';
import type { GraphFailure } from '../graph/graph-result.ts';

export type SyncResult =
  | { status: 'unchanged' }
  | { status: 'updated'; fields: string[]; removed: string[] }
  /**
   * `kind`: how Graph's refusal is handled (`token`: the page's token is dead). `retryable`: Graph was busy or limiting
   * calls (a transient or rate-limit error), so a later try may go through, not before `retry_after_ms` when Graph said.
   */
  | { status: 'failed'; error: string; kind: GraphFailureKind; retryable: boolean; retry_after_ms?: number };

/**
 * Makes the page's Messenger profile match the configuration. Reads it first and writes only what differs:
 * Graph allows 10 profile calls per 10 minutes per page, and restarts should not spend them. Of the fields the gateway
 * set before (`ours`), those no longer wanted are deleted (a menu taken out of the configuration goes away), except a
 * Get Started button that a menu left on the page still needs; fields set by others (in Meta Business Suite) are left
 * alone.
 */
export async function syncMessengerProfile(
  graph: GraphClient,
  token: string,
  wanted: MessengerProfile,
  ours: readonly MessengerProfileField[] = [],
): Promise<SyncResult> {
  const fields = Object.keys(wanted) as MessengerProfileField[];
  const read = new Set([...fields, ...ours]);
  // Nothing to set and nothing of ours to take away (a profile of defaults): no call, which Graph would refuse.
  if (read.size === 0) return { status: 'unchanged' };
  // To know whether a menu set elsewhere still needs the Get Started button that would go.
  if (ours.includes('get_started') && !('get_started' in wanted)) read.add('persistent_menu');
  const current = await graph.getMessengerProfile(token, [...read]);
  if (!current.ok) return failed(current);
  const changed = fields.filter(
    (field) => !isDeepStrictEqual(normalise(current.profile[field]), normalise(wanted[field])),
  );
  let removed = ours.filter((field) => !(field in wanted) && current.profile[field] !== undefined);
  if (current.profile.persistent_menu !== undefined && !removed.includes('persistent_menu'))
    removed = removed.filter((field) => field !== 'get_started');
  if (changed.length === 0 && removed.length === 0) return { status: 'unchanged' };
  if (removed.length > 0) {
    const deleted = await graph.deleteMessengerProfileFields(token, removed);
    if (!deleted.ok) return failed(deleted);
  }
  if (changed.length > 0) {
    const update: MessengerProfile = {};
    for (const field of changed) Object.assign(update, { [field]: wanted[field] });
    // Messenger wants get_started with a persistent menu: it goes along with a menu change (wanted has it then).
    if (update.persistent_menu && wanted.get_started) update.get_started = wanted.get_started;
    const result = await graph.setMessengerProfile(token, update);
    if (!result.ok) return failed(result);
  }
  return { status: 'updated', fields: changed, removed };
}

function failed({ error, kind, retry_after_ms }: GraphFailure): SyncResult {
  const result: SyncResult = { status: 'failed', error: error.message, kind, retryable: isRetryableKind(kind) };
  return retry_after_ms === undefined ? result : { ...result, retry_after_ms };
}

/** Graph may add defaults (e.g. `composer_input_disabled: false`) or drop them; compare without undefined keys. */
function normalise(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
