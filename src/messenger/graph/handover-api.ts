import { isRecord, toId } from './graph-json.ts';
import type { GraphRequester } from './graph-request.ts';
import { type GraphResult, mutationResult } from './graph-result.ts';

/** The Page Inbox app: passing the thread to it hands the person to people in Meta Business Suite (§7). */
export const PAGE_INBOX_APP_ID = '263902037430900';

/**
 * Handover protocol calls (messenger-platform.md §7), under Conversation Routing. All on `/me/...`
 * with the page token; mutations answer `{"success":true}`.
 */
export interface HandoverApi {
  /** `POST /me/pass_thread_control` `{recipient: {id}, target_app_id, metadata?}`. */
  passThreadControl(
    token: string,
    psid: string,
    targetAppId: string,
    metadata?: string,
  ): Promise<GraphResult<Record<never, never>>>;
  /** `POST /me/take_thread_control` `{recipient: {id}, metadata?}`. */
  takeThreadControl(token: string, psid: string, metadata?: string): Promise<GraphResult<Record<never, never>>>;
  /** `GET /me/thread_owner?recipient=PSID`; `app_id` is absent when nobody owns the thread. */
  getThreadOwner(token: string, psid: string): Promise<GraphResult<{ app_id?: string }>>;
}

/** Handover calls over the shared requester. */
export function createHandoverApi(graph: GraphRequester): HandoverApi {
  return {
    async passThreadControl(token, psid, targetAppId, metadata) {
      const json = withMetadata({ recipient: { id: psid }, target_app_id: targetAppId }, metadata);
      return mutationResult(await graph.call({ method: 'POST', path: '/me/pass_thread_control', token, json }));
    },

    async takeThreadControl(token, psid, metadata) {
      const json = withMetadata({ recipient: { id: psid } }, metadata);
      return mutationResult(await graph.call({ method: 'POST', path: '/me/take_thread_control', token, json }));
    },

    async getThreadOwner(token, psid) {
      const res = await graph.call({ method: 'GET', path: '/me/thread_owner', token, query: { recipient: psid } });
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
