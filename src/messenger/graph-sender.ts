import type { Logger } from 'pino';
import type { PolicyAction } from '../conversations/inbound-event.ts';
import type { ProfileLookup, ProfileProvider, ThreadControl, ThreadPass } from '../conversations/ports.ts';
import type { ChannelSender, OutboxSend, SendResult } from '../queue/channel-sender.ts';
import type { PageLookup } from '../server/page-directory.ts';
import type { GraphClient } from './graph/graph-client.ts';
import { type GraphError, type GraphFailureKind, isRetryableKind } from './graph/graph-error.ts';
import { PAGE_INBOX_APP_ID } from './graph/handover-api.ts';
import type { SendOutcome } from './graph/send-api.ts';
import { isGuest, recipientOf } from './person-address.ts';
import type { MessageTag, OutgoingMessage, SendRequest } from './send-types.ts';

export interface GraphSenderDeps {
  directory: PageLookup;
  /** The Graph client of the page's app (each app proves its calls with its own secret). */
  graphFor: (appId: string) => GraphClient;
  /**
   * Told when a send shows the whole page cannot send (`token`: Graph refused its token, which a thread pass shows
   * too; `permission`: the page or app lacks a permission or is restricted), when Meta said it blocked the page from
   * messaging (`blocked`), and when a send succeeds again on a page this sender saw fail, or Meta lifts its block
   * (`ok`). `was`, with `ok`: the only trouble it ends, wherever it is recorded (Meta's unblock ends its block, not a
   * refused token); by default any.
   */
  onPageHealth: (pageId: string, health: PageHealth, detail: string | null, was?: PageHealth) => void;
  /** The attachment id Messenger gave for a media URL the page sent before, if still good (the attachment cache). */
  attachmentIdFor?: (pageId: string, url: string) => string | undefined;
  /** Told the attachment id Messenger gave for a media URL sent with `is_reusable`. */
  onAttachmentId?: (pageId: string, url: string, attachmentId: string) => void;
  /** Told Graph refused the attachment id cached for a media URL: it must not be used again. */
  forgetAttachmentId?: (pageId: string, url: string) => void;
  /**
   * Told a team member's message (a reply or an update) took the person's thread back from the app that had it: the
   * conversation's is ours again, unless another app took it after `seen` (since when another app held it as the send
   * read it, null if none).
   */
  onThreadTaken?: (pageId: string, conversationId: string, seen: number | null) => void;
  logger: Logger;
}

export type PageHealth = 'ok' | 'token' | 'permission' | 'blocked';

/** The Graph calls whose refusals tell of the page's health: a send, or a move of the thread (handover). */
export type Call = 'send' | 'handover';

/**
 * What Graph's refusal says of the whole page, to record on its health: a refused token, whatever the call. A refused
 * permission of a send, unless it concerns one person; not of a handover, where it may be the handover's alone (the
 * app's role in Conversation Routing, messenger-platform.md §7), which says nothing of the page's sends.
 */
export function refusalHealth(
  refusal: { kind: GraphFailureKind; error: GraphError },
  call: Call,
): 'token' | 'permission' | undefined {
  const { kind, error } = refusal;
  if (kind === 'token') return 'token';
  if (kind === 'permission' && call === 'send' && !concernsOnePerson(error)) return 'permission';
  return undefined;
}

/** What the app that loses the thread to a team member's message reads with it (`take_thread_control`'s metadata). */
export const TAKE_NOTE = 'Switchboard: a person of the team answers here';

/**
 * Sends outbox rows through the Send API, reads profiles and passes threads: the Messenger side of the outbox and
 * contacts.
 */
export function createGraphSender(deps: GraphSenderDeps): ChannelSender &
  ProfileProvider &
  ThreadControl & {
    directoryReloaded(): void;
    policyEnforced(pageId: string, action: PolicyAction, reason: string | undefined): void;
    blockedReason(pageId: string): string | undefined;
  } {
  /**
   * Each page's health as this sender last saw it or recorded it; before that, and after the directory is loaded again
   * (another part recorded a health, the page upkeep a refused token), as the directory loaded it.
   */
  const health = new Map<string, { health: PageHealth; detail: string | null }>();
  const report = (pageId: string, now: PageHealth, detail: string | null) => {
    health.set(pageId, { health: now, detail });
    deps.onPageHealth(pageId, now, detail);
  };
  const seen = (pageId: string) => {
    const page = deps.directory.page(pageId);
    return health.get(pageId) ?? { health: page?.health ?? 'ok', detail: page?.health_detail ?? null };
  };
  const healthOf = (pageId: string) => seen(pageId).health;
  /** Records on the page's health what Graph's refusal says of the whole page (`refusalHealth`). */
  const recordRefusal = (pageId: string, refusal: { kind: GraphFailureKind; error: GraphError }, call: Call) => {
    const health = refusalHealth(refusal, call);
    // Graph's refusal of a blocked page says less than Meta's block did (its reason).
    if (health === 'token' || (health === 'permission' && healthOf(pageId) !== 'blocked'))
      report(pageId, health, describeError(refusal.error));
  };
  return {
    directoryReloaded: () => health.clear(),
    /** Why Meta blocked the page from messaging, while it does as far as this sender knows. */
    blockedReason(pageId) {
      const { health: now, detail } = seen(pageId);
      return now === 'blocked' ? (detail ?? 'Meta blocked the page from messaging') : undefined;
    },
    /** Meta's `messaging_policy_enforcement` event: its block and reason show on the page until it lifts it. */
    policyEnforced(pageId, action, reason) {
      // A warning changes no health: the page still sends (processing.ts records it for the Pages view).
      if (action === 'warning') return;
      if (action === 'block')
        report(pageId, 'blocked', `Meta blocked the page from messaging: ${reason ?? 'no reason given'}`);
      else {
        // Whatever this sender last saw: the block may have been recorded by the process that led before this one, or
        // a reload may have read the page before the block was written. Only the block ends: a refused token or a
        // missing permission, seen here or recorded where this sender did not see it, stands until a send goes through.
        const was = healthOf(pageId);
        if (was !== 'token' && was !== 'permission') health.set(pageId, { health: 'ok', detail: null });
        deps.onPageHealth(pageId, 'ok', null, 'blocked');
      }
    },
    echoes: (recipientId) => !isGuest(recipientId),
    async send(send): Promise<SendResult> {
      const page = deps.directory.page(send.page_id);
      if (!page) return { status: 'failed', error: { message: `page ${send.page_id} is not connected` } };
      const url = reusableUrlOf(send.message as OutgoingMessage | undefined);
      const graph = deps.graphFor(page.app_id);
      let attachmentId = url && deps.attachmentIdFor?.(page.id, url);
      let outcome = await graph.send(page.access_token, requestOf(send, attachmentId));
      if (url && attachmentId && refusesAttachmentId(outcome)) {
        // Graph no longer takes the id it gave (the page reconnected under another app): the media goes by URL once
        // more, whose fresh id replaces it. Else every later send of the URL would fail the same way.
        deps.logger.warn(
          { pageId: page.id, error: outcome.error.message },
          'cached attachment id refused: sent by URL',
        );
        attachmentId = undefined;
        outcome = await graph.send(page.access_token, requestOf(send, attachmentId));
        if (outcome.status !== 'sent' || !outcome.attachment_id) deps.forgetAttachmentId?.(page.id, url);
      }
      if (send.takes_thread && outcome.status === 'failed' && isNotThreadOwner(outcome.error)) {
        // A person of the team writes to a conversation another app has (the Page Inbox, where someone took it or was
        // passed it): the reply or update takes the thread back, as the team member meant, and goes once more.
        const log = { pageId: page.id, conversationId: send.conversation_id };
        const taken = await graph.takeThreadControl(page.access_token, send.recipient_id, TAKE_NOTE);
        if (taken.ok) {
          deps.logger.info(log, "a team member's message took the thread from the app that had it");
          deps.onThreadTaken?.(page.id, send.conversation_id, send.takes_thread.elsewhere_since);
          outcome = await graph.send(page.access_token, requestOf(send, attachmentId));
        } else {
          recordRefusal(page.id, taken, 'handover');
          deps.logger.warn(
            { ...log, error: describeError(taken.error) },
            "could not take the thread for a team member's message",
          );
        }
      }
      switch (outcome.status) {
        case 'sent': {
          if (url && !attachmentId && outcome.attachment_id) deps.onAttachmentId?.(page.id, url, outcome.attachment_id);
          // Until this sender has seen the page send, what the directory says may be stale: a trouble recorded since
          // it was read (by the processing before this one, or the page upkeep) is cleared by the first send.
          if (health.get(page.id)?.health !== 'ok') report(page.id, 'ok', null);
          return { status: 'sent', external_id: outcome.message_id, usage: outcome.usage };
        }
        case 'retry':
          return {
            status: 'retry',
            error: errorOf(outcome.error),
            after_ms: outcome.retry_after_ms,
            rate_limited: outcome.kind === 'rate_limited',
            app_wide: outcome.kind === 'rate_limited' && outcome.error.code === 4,
            usage: outcome.usage,
          };
        case 'failed':
          recordRefusal(page.id, outcome, 'send');
          // Graph's own window errors are policy refusals like ours: shown as blocked, never retried.
          if (outcome.kind === 'window')
            return { status: 'blocked', error: errorOf(outcome.error), usage: outcome.usage };
          return {
            status: 'failed',
            error: errorOf(outcome.error),
            usage: outcome.usage,
            ...(outcome.kind === 'recipient' ? { unreachable: true } : {}),
          };
      }
    },

    async fetchProfile(pageId, externalId): Promise<ProfileLookup> {
      const page = deps.directory.page(pageId);
      // Disconnected a moment ago: that says nothing about the person.
      if (!page) return { status: 'unknown' };
      // A chat-plugin guest has no PSID, so no profile to read.
      if (isGuest(externalId)) return { status: 'none' };
      const result = await deps.graphFor(page.app_id).getUserProfile(page.access_token, externalId);
      if (!result.ok) {
        // A failure of the moment, or of the page's token, not of the person: asked again at their next message.
        const unknown = isRetryableKind(result.kind) || result.kind === 'token';
        const log = { pageId, code: result.error.code, kind: result.kind };
        deps.logger.info(log, unknown ? 'profile lookup failed: asked again later' : 'no profile for this person');
        return { status: unknown ? 'unknown' : 'none' };
      }
      const { first_name, last_name, locale, timezone, profile_pic } = result.profile;
      return { status: 'found', profile: { first_name, last_name, locale, timezone }, picture: profile_pic };
    },

    async passThread({ pageId, personId, appId, note }): Promise<ThreadPass> {
      const page = deps.directory.page(pageId);
      if (!page) return { status: 'failed', error: `page ${pageId} is not connected` };
      const graph = deps.graphFor(page.app_id);
      const result = await graph.passThreadControl(page.access_token, personId, appId, note);
      if (result.ok) return { status: 'passed' };
      recordRefusal(page.id, result, 'handover');
      const error = describeError(result.error);
      if (isRetryableKind(result.kind)) return { status: 'retry', error };
      // Refused, the thread may be the app's already: passed by this request before a crash lost its commit, the event
      // handled again, Graph refuses a pass by an app that no longer owns the thread.
      const owner = await ownerAfterRefusal(graph, { token: page.access_token, personId, refusal: result });
      // Unknown for now whether it was passed: asked again when the event is tried again.
      if (owner.status === 'retry') return { status: 'retry', error: `${error}; its owner unknown: ${owner.error}` };
      if (owner.status === 'unknown') return { status: 'failed', error };
      if (owner.app_id === appId) {
        deps.logger.info({ pageId, appId }, 'thread pass refused, but the app has the thread already: passed before');
        return { status: 'passed' };
      }
      // Another app took the thread (or was passed it) after the request came, and its handover is not handled yet.
      if (owner.app_id !== undefined && owner.app_id !== page.app_id)
        return { status: 'elsewhere', owner: owner.app_id, error };
      return { status: 'failed', error };
    },

    appName: (appId) => (appId === PAGE_INBOX_APP_ID ? 'the Page Inbox' : `app ${appId}`),
  };
}

/** Who holds a person's thread: `app_id` (absent: nobody), or unknown, for the moment (`retry`) or for good. */
export type ThreadOwner =
  | { status: 'known'; app_id?: string }
  | { status: 'retry'; error: string }
  | { status: 'unknown' };

/**
 * Who holds the person's thread after Graph refused to move it (a pass, a take), as Graph tells
 * (`GET /me/thread_owner`, messenger-platform.md §7): what the gateway knew may be stale, and the move made already.
 * Not asked with a token Graph refused, nor for a chat-plugin guest, who has no PSID to ask with.
 */
export async function ownerAfterRefusal(
  graph: GraphClient,
  { token, personId, refusal }: { token: string; personId: string; refusal: { kind: GraphFailureKind } },
): Promise<ThreadOwner> {
  if (refusal.kind === 'token') return { status: 'unknown' };
  const owner = await graph.getThreadOwner(token, personId);
  if (owner.ok) return owner.app_id === undefined ? { status: 'known' } : { status: 'known', app_id: owner.app_id };
  return isRetryableKind(owner.kind) ? { status: 'retry', error: describeError(owner.error) } : { status: 'unknown' };
}

/** `(#code/subcode) message`: Graph's own `(#code)` at the start of most messages is replaced, not repeated. */
export function describeError({
  code,
  error_subcode,
  message,
}: {
  code?: number;
  error_subcode?: number;
  message: string;
}) {
  const codes = [code, error_subcode].filter((c) => c !== undefined).join('/');
  return codes ? `(#${codes}) ${message.replace(/^\(#\d+\)\s*/, '')}` : message;
}

function errorOf(error: { code?: number; error_subcode?: number; message: string }) {
  return { code: error.code, subcode: error.error_subcode, message: error.message };
}

/** Graph's "invalid parameter" (100, no subcode of ours): what a send by an attachment id it no longer takes gets. */
function refusesAttachmentId(outcome: SendOutcome): outcome is Extract<SendOutcome, { status: 'failed' }> {
  return outcome.status === 'failed' && outcome.kind === 'invalid' && outcome.error.code === 100;
}

/** The Send API request for an outbox send; its media by `attachmentId` when given. */
function requestOf(send: OutboxSend, attachmentId: string | undefined): SendRequest {
  const recipient = recipientOf(send.recipient_id);
  if (send.kind !== 'message') return { recipient, sender_action: send.kind };
  return {
    recipient,
    messaging_type: send.messaging_type,
    ...(send.tag ? { tag: send.tag as MessageTag } : {}),
    // The echo carries this back, which settles a send left in doubt by a crash.
    message: { ...byId(send.message as OutgoingMessage, attachmentId), metadata: `sb:${send.outbox_id}` },
  };
}

/** The media of the message by the attachment id Messenger gave for its URL, when there is one. */
function byId(message: OutgoingMessage, attachmentId: string | undefined): OutgoingMessage {
  const attachment = message.attachment;
  if (!attachmentId || !attachment || attachment.type === 'template') return message;
  return { ...message, attachment: { type: attachment.type, payload: { attachment_id: attachmentId } } };
}

function reusableUrlOf(message: OutgoingMessage | undefined): string | undefined {
  const attachment = message?.attachment;
  if (!attachment || attachment.type === 'template' || !('url' in attachment.payload)) return undefined;
  return attachment.payload.is_reusable ? attachment.payload.url : undefined;
}

/** Graph's refusal of a send by an app that does not own the thread ("secondary visibility", messenger-platform.md §7). */
function isNotThreadOwner(error: { code?: number; error_subcode?: number }): boolean {
  return error.code === 100 && error.error_subcode === 2018234;
}

/**
 * A refused permission of one conversation, not of the page: another app owns this one thread (100/2018234), or an app
 * in development mode refuses a person without a role on it (200/2018027; messenger-platform.md §8.1).
 */
function concernsOnePerson(error: { code?: number; error_subcode?: number }): boolean {
  return error.code === 100 || (error.code === 200 && error.error_subcode === 2018027);
}
