import { isRecord } from './graph-json.ts';
import type { GraphRequester } from './graph-request.ts';
import { type GraphResult, mutationResult } from './graph-result.ts';

/** A persistent-menu item: postback or web_url only; nested menus were removed in v8.0 (§5). */
export type MenuItem =
  | { type: 'postback'; title: string; payload: string }
  | { type: 'web_url'; title: string; url: string; webview_height_ratio?: 'compact' | 'tall' | 'full' };

/** Messenger Profile properties (messenger-platform.md §5); Messenger's own field names and shapes. */
export interface MessengerProfile {
  get_started?: { payload: string };
  /** A `default` locale entry is required; text ≤ 160 characters. */
  greeting?: Array<{ locale: string; text: string }>;
  /** Needs `get_started`; a `default` locale entry is required; up to 20 items. */
  persistent_menu?: Array<{ locale: string; composer_input_disabled?: boolean; call_to_actions: MenuItem[] }>;
  /** Current (2022) format; at most 4 questions. */
  ice_breakers?: Array<{ locale: string; call_to_actions: Array<{ question: string; payload: string }> }>;
  whitelisted_domains?: string[];
  account_linking_url?: string;
  commands?: Array<{ locale: string; commands: Array<{ name: string; description: string }> }>;
}

export type MessengerProfileField = keyof MessengerProfile;

const KNOWN_FIELDS: ReadonlySet<string> = new Set<MessengerProfileField>([
  'get_started',
  'greeting',
  'persistent_menu',
  'ice_breakers',
  'whitelisted_domains',
  'account_linking_url',
  'commands',
]);

/** Calls on `/{version}/me/messenger_profile`. Graph allows 10 calls per 10 minutes per page. */
export interface MessengerProfileApi {
  /**
   * `GET ?fields=...`. Graph may answer one object or one object per field in `data` ([UNCONFIRMED], §5),
   * so every object is merged. The values are returned as Graph sent them, not validated.
   */
  getMessengerProfile(
    token: string,
    fields: readonly MessengerProfileField[],
  ): Promise<GraphResult<{ profile: MessengerProfile }>>;
  /** `POST` with the properties as JSON; answers `{"result":"success"}`. */
  setMessengerProfile(token: string, props: MessengerProfile): Promise<GraphResult<Record<never, never>>>;
  /** `DELETE` with `{"fields": [...]}` as JSON. */
  deleteMessengerProfileFields(
    token: string,
    fields: readonly MessengerProfileField[],
  ): Promise<GraphResult<Record<never, never>>>;
}

const PATH = '/me/messenger_profile';

/** Messenger Profile API calls over the shared requester. */
export function createMessengerProfileApi(graph: GraphRequester): MessengerProfileApi {
  return {
    async getMessengerProfile(token, fields) {
      const res = await graph.call({ method: 'GET', path: PATH, token, query: { fields: fields.join(',') } });
      if (!res.ok) return res;
      const data = isRecord(res.body) && Array.isArray(res.body.data) ? res.body.data : [];
      const merged: Record<string, unknown> = {};
      for (const item of data) {
        if (!isRecord(item)) continue;
        for (const [key, value] of Object.entries(item)) if (KNOWN_FIELDS.has(key)) merged[key] = value;
      }
      return { ok: true, profile: merged as MessengerProfile };
    },

    async setMessengerProfile(token, props) {
      return mutationResult(await graph.call({ method: 'POST', path: PATH, token, json: props }));
    },

    async deleteMessengerProfileFields(token, fields) {
      return mutationResult(await graph.call({ method: 'DELETE', path: PATH, token, json: { fields } }));
    },
  };
}
