import { isRecord, toId, toStr } from './graph-json.ts';
import type { GraphRequester } from './graph-request.ts';
import { type GraphResult, mutationResult } from './graph-result.ts';

/** One page the user manages (`/me/accounts`, messenger-platform.md §8.4). */
export interface PageAccount {
  id: string;
  name?: string;
  /** Absent when the user's tasks on the page do not grant a token. */
  access_token?: string;
  /** The user's tasks on the page, e.g. `MESSAGING`, `MODERATE`, `MANAGE`. */
  tasks: string[];
}

/** The webhook fields a gateway subscribes a page to (§1.5, §8.6). */
export const DEFAULT_PAGE_SUBSCRIBED_FIELDS: readonly string[] = [
  'messages',
  'messaging_postbacks',
  'message_deliveries',
  'message_reads',
  'message_echoes',
  'messaging_optins',
  'messaging_referrals',
  'messaging_handovers',
  'message_reactions',
  'message_edits',
  'messaging_policy_enforcement',
  'standby',
];

export interface PagesApi {
  /**
   * `GET /me/accounts?fields=id,name,access_token,tasks` with a user token, following `paging` until the
   * last page (at most `MAX_ACCOUNT_PAGES` requests, so a looping cursor cannot spin forever).
   */
  listPages(userToken: string): Promise<GraphResult<{ pages: PageAccount[] }>>;
  /** `POST /{page-id}/subscribed_apps?subscribed_fields=...` with the page token; needs pages_manage_metadata. */
  subscribeApp(token: string, pageId: string, fields: readonly string[]): Promise<GraphResult<Record<never, never>>>;
  /** `GET /{page-id}/subscribed_apps` with the page token: the webhook fields `appId` gets for the page (none: []). */
  subscribedFields(token: string, pageId: string, appId: string): Promise<GraphResult<{ fields: string[] }>>;
}

/** Upper bound on `/me/accounts` requests per `listPages` (Graph's default page size is 25 accounts). */
export const MAX_ACCOUNT_PAGES = 50;

/** Page listing and webhook subscription over the shared requester. */
export function createPagesApi(graph: GraphRequester): PagesApi {
  return {
    async listPages(userToken) {
      const pages: PageAccount[] = [];
      const query = { fields: 'id,name,access_token,tasks' };
      let next: { after?: string; url?: string } | undefined = {};
      for (let i = 0; next && i < MAX_ACCOUNT_PAGES; i++) {
        const res = await graph.call({
          method: 'GET',
          path: '/me/accounts',
          token: userToken,
          query: next.after === undefined ? query : { ...query, after: next.after },
          ...(next.url === undefined ? {} : { absoluteUrl: next.url }),
        });
        if (!res.ok) return res;
        const body = isRecord(res.body) ? res.body : {};
        for (const item of Array.isArray(body.data) ? body.data : []) {
          const page = readPage(item);
          if (page) pages.push(page);
        }
        next = nextPage(body.paging);
      }
      return { ok: true, pages };
    },

    async subscribeApp(token, pageId, fields) {
      const path = `/${encodeURIComponent(pageId)}/subscribed_apps`;
      const query = { subscribed_fields: fields.join(',') };
      return mutationResult(await graph.call({ method: 'POST', path, token, query }));
    },

    async subscribedFields(token, pageId, appId) {
      const res = await graph.call({ method: 'GET', path: `/${encodeURIComponent(pageId)}/subscribed_apps`, token });
      if (!res.ok) return res;
      const data = isRecord(res.body) && Array.isArray(res.body.data) ? res.body.data : [];
      const ours = data.find((item) => isRecord(item) && toId(item.id) === appId);
      const fields = isRecord(ours) && Array.isArray(ours.subscribed_fields) ? ours.subscribed_fields : [];
      return { ok: true, fields: fields.filter((f): f is string => typeof f === 'string') };
    },
  };
}

/**
 * Graph gives `paging.next` only when there is a further page; the `after` cursor is preferred because it
 * keeps our own path and query, else the `next` URL itself is followed (on the Graph origin only).
 */
function nextPage(paging: unknown): { after?: string; url?: string } | undefined {
  if (!isRecord(paging) || typeof paging.next !== 'string') return undefined;
  const after = isRecord(paging.cursors) ? toStr(paging.cursors.after) : undefined;
  return after ? { after } : { url: paging.next };
}

function readPage(item: unknown): PageAccount | undefined {
  if (!isRecord(item)) return undefined;
  const id = toId(item.id);
  if (id === undefined) return undefined;
  const page: PageAccount = {
    id,
    tasks: Array.isArray(item.tasks) ? item.tasks.filter((t): t is string => typeof t === 'string') : [],
  };
  const name = toStr(item.name);
  const token = toStr(item.access_token);
  if (name !== undefined) page.name = name;
  if (token !== undefined) page.access_token = token;
  return page;
}
