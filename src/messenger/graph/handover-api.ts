import { isGuest, recipientOf } from '../person-address.ts';
import { isRecord, toId } from './graph-json.ts';
import type { GraphRequester } from './graph-request.ts';
import { type GraphResult, mutationResult } from './graph-result.ts';

/** The Page Inbox app: passing the thread to it hands the person to people in Meta Business Suite (§7). */
export const PAGE_INBOX_APP_ID = '263902037430900';

/**
 * Handover protocol calls (messenger-platform.md §7), under Conversation Routing. All on `/me/...`
 * with the page token; mutations answer `{"success":true}`. `personId` is a PSID or a guest's person id, addressed
 * by `recipientOf` (a guest by `user_ref`, §3.1).
 */
export interface HandoverApi {
  /** `POST /me/pass_thread_control` `{recipient, target_app_id, metadata?}`. */
  passThreadControl(
    token: string,
    personId: string,
    targetAppId: string,
    metadata?: string,
  ): Promise<GraphResult<Record<never, never>>>;
  /** `POST /me/take_thread_control` `{recipient, metadata?}`. */
  takeThreadControl(token: string, personId: string, metadata?: string): Promise<GraphResult<Record<never, never>>>;
  /**
   * `GET /me/thread_owner?recipient=PSID`; `app_id` is absent when nobody owns the thread. Documented for a PSID
   * only: for a guest it fails as `invalid` without a call.
   */
  getThreadOwner(token: string, personId: string): Promise<GraphResult<{ app_id?: string }>>;
}

/** Handover calls over the shared requester. */
export function createHandoverApi(graph: GraphRequester): HandoverApi {
  return {
    async passThreadControl(token, personId, targetAppId, metadata) {
      const json = withMetadata({ recipient: recipientOf(personId), target_app_id: targetAppId }, metadata);
      return mutationResult(await graph.call({ method: 'POST', path: '/me/pass_thread_control', token, json }));
    },

    async takeThreadControl(token, personId, metadata) {
      const json = withMetadata({ recipient: recipientOf(personId) }, metadata);
      return mutationResult(await graph.call({ method: 'POST', path: '/me/take_thread_control', token, json }));
    },

    async getThreadOwner(token, personId) {
      if (isGuest(personId)) {
        const message = 'thread_owner takes a PSID, and a chat-plugin guest has none';
        return { ok: false, kind: 'invalid', error: { message } };
      }
      const query = { recipient: personId };
      const res = await graph.call({ method: 'GET', path: '/me/thread_owner', token, query });
      if (!res.ok) return res;
      // {"data":[{"thread_owner":{"app_id":"1517776481860111"}}]}; the id may come as a number.
      const first = isRecord(res.body) && Array.isArray(res.body.data) ? res.body.data[0] : undefined;
      const owner = isRecord(first) && isRecord(first.thread_owner) ? toId(first.thread_owner.app_id) : undefined;
      return owner === undefined ? { ok: true } : { ok: true, app_id: owner };
    },
  };
}

function withMetadata<T extends object>(body: T, metadata: string | undefined): T & { metadata?: string } {
  return metadata === undefined ? body : { ...body, metadata };
}
