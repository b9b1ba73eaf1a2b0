import { type GraphClient, type GraphFailure, isRetryableKind } from './graph/graph-client.ts';
import { DEFAULT_PAGE_SUBSCRIBED_FIELDS } from './graph/pages-api.ts';

export type SubscriptionResult =
  | { status: 'unchanged' }
  | { status: 'subscribed'; added: string[] }
  /**
   * `step`: reading the subscription or changing it. `retryable`: Graph was busy or limiting calls, so a later try
   * may go through.
   */
  | { status: 'failed'; step: 'read' | 'write'; error: string; retryable: boolean };

/**
 * Makes sure the page sends the app the webhooks the gateway reads: Messenger sends a page's events only to the apps
 * subscribed to it (`/{page-id}/subscribed_apps`), whatever the app's own webhook settings. Reads first, and writes
 * only when a field is missing, keeping the fields subscribed already (the page token needs pages_manage_metadata).
 */
export async function subscribePage(
  graph: GraphClient,
  token: string,
  pageId: string,
  appId: string,
): Promise<SubscriptionResult> {
  const current = await graph.subscribedFields(token, pageId, appId);
  if (!current.ok) return failed('read', current);
  const added = DEFAULT_PAGE_SUBSCRIBED_FIELDS.filter((field) => !current.fields.includes(field));
  if (added.length === 0) return { status: 'unchanged' };
  const result = await graph.subscribeApp(token, pageId, [...new Set([...current.fields, ...added])]);
  if (!result.ok) return failed('write', result);
  return { status: 'subscribed', added };
}

function failed(step: 'read' | 'write', failure: GraphFailure): SubscriptionResult {
  return { status: 'failed', step, error: failure.error.message, retryable: isRetryableKind(failure.kind) };
}
