import { type GraphClient, type GraphFailure, type GraphFailureKind, isRetryableKind } from './graph/graph-client.ts';
import { DEFAULT_PAGE_SUBSCRIBED_FIELDS } from './graph/pages-api.ts';

export type SubscriptionResult =
  | { status: 'unchanged' }
  | { status: 'subscribed'; added: string[] }
  /**
   * `step`: reading the subscription or changing it. `kind`: how Graph's refusal is handled (`token`: the page's token
   * is dead). `retryable`: Graph was busy or limiting calls, so a later try may go through, not before
   * `retry_after_ms` when Graph said.
   */
  | {
      status: 'failed';
      step: 'read' | 'write';
      error: string;
      kind: GraphFailureKind;
      retryable: boolean;
      retry_after_ms?: number;
    };

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

function failed(step: 'read' | 'write', { error, kind, retry_after_ms }: GraphFailure): SubscriptionResult {
  const result: SubscriptionResult = {
    status: 'failed',
    step,
    error: error.message,
    kind,
    retryable: isRetryableKind(kind),
  };
  return retry_after_ms === undefined ? result : { ...result, retry_after_ms };
}
