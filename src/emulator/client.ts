import { setTimeout as sleep } from 'node:timers/promises';
import { FormData, request } from 'undici';
import type { WindowState } from './conversation.ts';
import type { ThreadItemView } from './edit-rules.ts';
import type { FaultSettings, NextFault } from './faults.ts';
import type { GraphCall } from './graph-call-log.ts';
import type { MessengerProfile, ThreadItem } from './state-types.ts';
import type { DeliveryAttempt } from './webhook-dispatcher.ts';

export interface ClientApp {
  id: string;
  name: string;
  secret: string;
  webhook_url: string | null;
}
export interface ClientPage {
  id: string;
  name: string;
  app_id: string;
  picture_url: string;
  access_token: string;
}
export interface ClientPerson {
  id: string;
  first_name: string;
  last_name: string;
  name: string;
  profile_pic: string;
  locale: string;
  timezone: number;
  auto_read: boolean;
  psids: Record<string, string>;
}
/** A visitor of a page's website chat plugin: its conversation and actions take `user_ref` where people's take a PSID. */
export interface ClientGuest {
  user_ref: string;
  page_id: string;
  name: string;
}
/** Meta blocked the page from messaging (`enforcePolicy` with `block`): since when (emulator clock) and why. */
export interface ClientMessagingBlock {
  reason: string;
  since: number;
}
export interface ClientState {
  pages: (Omit<ClientPage, 'access_token'> & { messaging_block: ClientMessagingBlock | null })[];
  people: ClientPerson[];
  guests: ClientGuest[];
  apps: { id: string; name: string; webhook_url: string | null }[];
}
export interface ClientConversation {
  /** The person's typed texts also carry `editable_until` and `edits_left` (see EditLimits). */
  items: ThreadItemView[];
  typing: boolean;
  window_open: boolean;
  /** The same, with when the window ends (emulator clock), for timing its close. */
  window: WindowState;
  thread_owner_app_id: string;
  blocked: boolean;
  page_messaging_block: ClientMessagingBlock | null;
}

/** A control API call failed; `code` is the `SB_EMULATOR_*` code when the emulator sent one. */
export class EmulatorClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorClientError';
  }
}

type Referral = Record<string, unknown>;
type PageItemsCondition = number | ((items: ThreadItem[]) => boolean);

/**
 * A typed client over the emulator's control API, for tests and scripts. Every method throws
 * EmulatorClientError on a non-2xx answer. `waitForPageMessages` polls.
 */
export function createEmulatorClient(baseUrl: string) {
  const base = baseUrl.replace(/\/$/, '');

  async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await request(`${base}/_emulator${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.body.text();
    const data = text ? (JSON.parse(text) as unknown) : undefined;
    if (response.statusCode >= 400) {
      const error = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new EmulatorClientError(
        response.statusCode,
        error?.code,
        error?.message ?? `HTTP ${response.statusCode} for ${method} ${path}`,
      );
    }
    return data as T;
  }

  const conversationPath = (pageId: string, psid: string) =>
    `/conversations/${encodeURIComponent(pageId)}/${encodeURIComponent(psid)}`;
  const personSends = (pageId: string, psid: string, body: Record<string, unknown>) =>
    call<{ mid?: string }>('POST', `${conversationPath(pageId, psid)}/messages`, body);

  const client = {
    baseUrl: base,
    state: () => call<ClientState>('GET', '/state'),
    createApp: (
      input: {
        name?: string;
        secret?: string;
        id?: string;
        webhook_url?: string;
        verify_token?: string;
        deauthorize_url?: string;
        data_deletion_url?: string;
        oauth_redirect_uris?: string[];
      } = {},
    ) => call<ClientApp>('POST', '/apps', input),
    /** Sets the app's webhook; the emulator verifies it first (GET with hub.challenge). */
    setWebhook: (appId: string, input: { url: string; verify_token: string }) =>
      call<{ ok: true }>('POST', `/apps/${appId}/webhook`, input),
    createPage: (input: {
      name: string;
      app_id?: string;
      id?: string;
      access_token?: string;
      picture_url?: string;
      subscribe_app?: boolean;
    }) => call<ClientPage>('POST', '/pages', input),
    createPerson: (input: {
      first_name: string;
      last_name?: string;
      locale?: string;
      timezone?: number;
      profile_pic?: string;
      auto_read?: boolean;
      psids?: Record<string, string>;
    }) => call<ClientPerson>('POST', '/people', input),
    /**
     * A chat-plugin guest of one page (generated user_ref unless given; never digits only). Every person action and
     * `conversation` take its user_ref in place of a PSID; its events carry `sender.user_ref`.
     */
    createGuest: (input: { page_id: string; user_ref?: string; name?: string }) =>
      call<ClientGuest>('POST', '/guests', input),
    createAccount: (input: { name: string; pages?: { page_id: string; tasks?: string[] }[] }) =>
      call<{ id: string; name: string }>('POST', '/accounts', input),
    pageProfile: (pageId: string) => call<MessengerProfile>('GET', `/pages/${pageId}/profile`),
    /**
     * Meta warns, blocks or unblocks the page (`messaging_policy_enforcement` webhook); while blocked, its sends fail
     * with 368. `reason` defaults to Meta's sample for warning and block; an unblock has none. Blocking a blocked page
     * or unblocking one that is not: 409.
     */
    enforcePolicy: (pageId: string, input: { action: 'warning' | 'block' | 'unblock'; reason?: string }) =>
      call<{ ok: true; messaging_block: ClientMessagingBlock | null }>(
        'POST',
        `/pages/${encodeURIComponent(pageId)}/policy-enforcement`,
        input,
      ),

    /** `replyTo`: the mid of the thread's message the person replies to. */
    sendText: (pageId: string, psid: string, text: string, options: { replyTo?: string } = {}) =>
      personSends(pageId, psid, { text, ...(options.replyTo ? { reply_to: { mid: options.replyTo } } : {}) }),
    sendQuickReply: (pageId: string, psid: string, reply: { title: string; payload: string }) =>
      personSends(pageId, psid, { text: reply.title, quick_reply: { payload: reply.payload } }),
    sendPostback: (pageId: string, psid: string, postback: { title: string; payload: string; referral?: Referral }) =>
      personSends(pageId, psid, { postback }),
    getStarted: (pageId: string, psid: string, referral?: Referral) =>
      personSends(pageId, psid, { get_started: true, ...(referral ? { referral } : {}) }),
    sendAttachments: (
      pageId: string,
      psid: string,
      attachments: { type: 'image' | 'video' | 'audio' | 'file'; url: string }[],
    ) => personSends(pageId, psid, { attachments }),
    sendSticker: (pageId: string, psid: string, stickerId: string) =>
      personSends(pageId, psid, { sticker_id: stickerId }),
    react: (
      pageId: string,
      psid: string,
      reaction: { mid: string; action?: 'react' | 'unreact'; reaction?: string; emoji?: string },
    ) => personSends(pageId, psid, { reaction }),
    /** The person edits a text they sent (`mid`): within 15 minutes of sending, at most 5 times, else 409. */
    edit: (pageId: string, psid: string, edit: { mid: string; text: string }) => personSends(pageId, psid, { edit }),
    sendReferral: (
      pageId: string,
      psid: string,
      // An ad's referral may carry no `ref`.
      referral: { ref?: string; source?: string; type?: string } & Referral,
    ) => personSends(pageId, psid, { referral }),
    /** Agrees to the page's marketing messages titled `title`, or stops or resumes them (`status`). */
    optIn: (
      pageId: string,
      psid: string,
      optin: { title: string; payload: string; status?: 'STOP_NOTIFICATIONS' | 'RESUME_NOTIFICATIONS' },
    ) => personSends(pageId, psid, { optin }),
    read: (pageId: string, psid: string) =>
      call<{ read: boolean }>('POST', `${conversationPath(pageId, psid)}/read`, {}),
    pageInboxReply: (pageId: string, psid: string, text: string) =>
      call<{ mid: string }>('POST', `${conversationPath(pageId, psid)}/page-inbox-reply`, { text }),
    block: (pageId: string, psid: string, blocked = true) =>
      call<{ blocked: boolean }>('POST', `${conversationPath(pageId, psid)}/block`, { blocked }),
    /** A human in the Page Inbox passes the thread to an app (or takes it with PAGE_INBOX_APP_ID). */
    setThreadOwner: (pageId: string, psid: string, appId: string, metadata?: string) =>
      call<{ thread_owner_app_id: string }>('POST', `${conversationPath(pageId, psid)}/thread-owner`, {
        app_id: appId,
        ...(metadata ? { metadata } : {}),
      }),
    /** A human in the Page Inbox asks the app that owns the thread for it (`request_thread_control`). */
    requestThread: (pageId: string, psid: string, metadata?: string) =>
      call<{ requested: boolean }>('POST', `${conversationPath(pageId, psid)}/thread-request`, {
        ...(metadata ? { metadata } : {}),
      }),
    conversation: (pageId: string, psid: string) => call<ClientConversation>('GET', conversationPath(pageId, psid)),

    /**
     * Polls the conversation until the page has sent `count` messages, or until `condition`
     * (given the page's items) is true; resolves with the page's items. Rejects after `timeoutMs`.
     */
    async waitForPageMessages(
      pageId: string,
      psid: string,
      condition: PageItemsCondition,
      timeoutMs = 5_000,
    ): Promise<ThreadItem[]> {
      const deadline = Date.now() + timeoutMs;
      const satisfied = typeof condition === 'number' ? (items: ThreadItem[]) => items.length >= condition : condition;
      for (;;) {
        const { items } = await client.conversation(pageId, psid);
        const pageItems = items.filter((item) => item.from === 'page');
        if (satisfied(pageItems)) return pageItems;
        if (Date.now() >= deadline) {
          throw new Error(
            `waitForPageMessages timed out after ${timeoutMs} ms with ${pageItems.length} page message(s): ${JSON.stringify(pageItems.map((item) => item.message))}`,
          );
        }
        await sleep(25);
      }
    },

    upload: async (data: Buffer, filename: string, contentType: string) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(data)], { type: contentType }), filename);
      const response = await request(`${base}/_emulator/uploads`, { method: 'POST', body: form });
      const result = (await response.body.json()) as {
        url: string;
        id: string;
        error?: { code: string; message: string };
      };
      if (response.statusCode >= 400)
        throw new EmulatorClientError(
          response.statusCode,
          result.error?.code,
          result.error?.message ?? 'upload failed',
        );
      return result;
    },
    graphCalls: async (filter: { path_contains?: string; since_id?: number } = {}) => {
      const query = new URLSearchParams();
      if (filter.path_contains) query.set('path_contains', filter.path_contains);
      if (filter.since_id !== undefined) query.set('since_id', String(filter.since_id));
      return (await call<{ data: GraphCall[] }>('GET', `/graph-calls${query.size ? `?${query}` : ''}`)).data;
    },
    webhookDeliveries: async () => (await call<{ data: DeliveryAttempt[] }>('GET', '/webhook-deliveries')).data,
    setFaults: (
      faults: Omit<FaultSettings, 'next'> & { next?: Partial<NextFault> & { code: number }; expire_token?: string },
    ) => call<{ faults: FaultSettings; expired_tokens?: number }>('POST', '/faults', faults),
    clearFaults: () => call<{ faults: FaultSettings }>('DELETE', '/faults'),
    now: async () => (await call<{ now: number }>('GET', '/clock')).now,
    advanceClock: async (ms: number) => (await call<{ now: number }>('POST', '/clock', { advance_ms: ms })).now,
    deauthorize: (appId: string, userId: string) =>
      call<{ sent: boolean; revoked_tokens: number; status?: number; body?: string }>(
        'POST',
        `/apps/${appId}/deauthorize`,
        { user_id: userId },
      ),
    requestDataDeletion: (appId: string, userId: string) =>
      call<{ sent: boolean; status: number; body: string }>('POST', `/apps/${appId}/data-deletion`, {
        user_id: userId,
      }),
    reset: () => call<{ ok: true }>('POST', '/reset', {}),
  };
  return client;
}

export type EmulatorClient = ReturnType<typeof createEmulatorClient>;
