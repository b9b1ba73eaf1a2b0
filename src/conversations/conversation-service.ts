import type { Logger } from 'pino';
import type { Assistant } from '../assistants/assistant.ts';
import { inboundPreview, messagePreview } from './assistant-input.ts';
import type { HeldReceipts } from './held-receipts.ts';
import type { InboundEvent, PolicyAction } from './inbound-event.ts';
import { runPersonTurn } from './person-turn.ts';
import type { TextReading } from './policy/escalation.ts';
import {
  type Clock,
  type Conversation,
  type ConversationStore,
  currentRouting,
  type NewMessage,
  type PageRuntime,
  type ProfileLookup,
  type ProfileProvider,
  type ResponseRenderer,
  type ThreadControl,
} from './ports.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { answerThreadRequest } from './thread-request.ts';
import { throttledEscalationOf } from './turn-escalation.ts';

export interface ConversationServiceDeps {
  store: ConversationStore;
  pages: (pageId: string) => PageRuntime | undefined;
  /** Looks for pages other processes connected (PostgreSQL), before an event of a page `pages` lacks is ignored. */
  catchUpPages?: () => Promise<void>;
  assistantFor: (pageId: string) => Assistant;
  renderer: ResponseRenderer;
  profiles: ProfileProvider;
  /**
   * Passes a person's thread to another app that asks for it (the Page Inbox) while the bot has the conversation.
   * Without it (a channel with no such apps), their requests are ignored.
   */
  threads?: ThreadControl;
  rateLimiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  /** Aborted when a shutdown stops waiting for running turns: assistants stop their calls (`AssistantTurn.signal`). */
  shutdown?: AbortSignal;
  /** Receipts kept for the sends recorded after them (Graph slow to answer a send that reached the person). */
  heldReceipts?: HeldReceipts;
  /** Told Meta warned the page, stopped it from messaging, or let it again (the page's health). */
  policyEnforced?: (pageId: string, action: PolicyAction, reason: string | undefined) => void;
}

export interface StoredEvent {
  id: string;
  event: InboundEvent;
  /** When the gateway stored it, on its own clock. */
  received_at: number;
  /** Its text as the escalation checks read it, when that was done ahead of its turn. */
  reading?: TextReading;
}

/**
 * A message handled this long after the person sent it (replayed from the dead letters, or sent again by Facebook after
 * an outage) may have been edited meanwhile, and its edits handled before it, finding nothing to change.
 */
const LATE_MS = 60_000;

/**
 * For a message whose echo has not come yet, how far our clock may run ahead of Facebook's. Its `sent_at` is when we
 * called Graph, before Facebook stamped it, so with the clocks in step a watermark covers it; its echo then replaces
 * that with Facebook's stamp. It is below the default 800 ms between paced messages.
 */
const RECEIPT_ALLOWANCE_MS = 500;

/** An echo's time on Facebook's clock, when it has one. */
const stampOf = (event: InboundEvent, now: number) => (event.timestamp > 0 ? event.timestamp : now);

/**
 * When the person wrote: Facebook's stamp, never later than the gateway stored the event. A backlog Facebook sends
 * again after an outage comes all at once, hours late; timed by its stamps, it plays out as it happened.
 */
const occurredAt = (event: InboundEvent, receivedAt: number) => Math.min(stampOf(event, receivedAt), receivedAt);

/** Handles one stored inbound event. Called serially per person and page by the inbound worker. */
export function createConversationService(deps: ConversationServiceDeps) {
  const { store, clock } = deps;

  /** Handles one stored event; says `throttled` when it was over the person's rate limit (kept, not answered). */
  async function handle({ id, event, received_at, reading }: StoredEvent): Promise<'throttled' | undefined> {
    let page = deps.pages(event.page_id);
    if (!page && deps.catchUpPages) {
      await deps.catchUpPages();
      page = deps.pages(event.page_id);
    }
    if (page && event.kind === 'policy_enforcement' && deps.policyEnforced) {
      deps.policyEnforced(page.id, event.action, event.reason);
      await store.commitTurn({ event_id: id, event_status: 'done' }, clock.now());
      return;
    }
    if (!page || !event.user_id) {
      await store.commitTurn({ event_id: id, event_status: 'ignored' }, clock.now());
      return;
    }
    if (isTurn(event)) {
      const handled = await handlePerson(id, event, page, received_at, reading);
      if (event.kind === 'message' && clock.now() - event.timestamp >= LATE_MS) await applyEarlierEdits(event);
      return handled;
    }
    switch (event.kind) {
      case 'echo':
        await handleEcho(id, event, page);
        return;
      case 'delivery':
      case 'read':
        await handleReceipt(id, event, received_at);
        return;
      case 'handover':
        if (event.action === 'request_thread_control') await handleThreadRequest(id, event, page);
        else await handleHandover(id, event, page);
        return;
      case 'referral':
      case 'optin':
        await recordUnanswered(id, event, received_at);
        return;
      case 'reaction':
        await handleReaction(id, event);
        return;
      case 'edit':
        await handleEdit(id, event);
        return;
      default:
        await store.commitTurn({ event_id: id, event_status: 'ignored' }, clock.now());
    }
  }

  /**
   * The person's profile from Graph, or `unknown` once a shutdown stops waiting for running turns: a slow Graph must
   * not hold the close past its grace (the profile stays pending, asked for again next time).
   */
  function lookUpProfile(pageId: string, psid: string): Promise<ProfileLookup> {
    const lookup = deps.profiles.fetchProfile(pageId, psid);
    const shutdown = deps.shutdown;
    if (!shutdown) return lookup;
    return new Promise((resolve, reject) => {
      const stop = () => resolve({ status: 'unknown' });
      if (shutdown.aborted) return stop();
      shutdown.addEventListener('abort', stop, { once: true });
      lookup.then(resolve, reject).finally(() => shutdown.removeEventListener('abort', stop));
    });
  }

  /**
   * `receivedAt`: when the gateway stored the event, on its own clock. The rate limit and the session count from when
   * the person wrote (`occurredAt`), so a backlog, the gateway's or Facebook's, is counted as it came.
   */
  async function handlePerson(
    eventId: string,
    event: InboundEvent,
    page: PageRuntime,
    receivedAt: number,
    reading: TextReading | undefined,
  ): Promise<'throttled' | undefined> {
    const now = clock.now();
    const wroteAt = occurredAt(event, receivedAt);
    const opened = await store.openConversation(page.id, event.user_id as string, now);
    const thread = threadSeen(event, opened.conversation, wroteAt);
    // A copy only when the event tells something new of the thread: most messages do not.
    const conversation = thread ? { ...opened.conversation, ...thread } : opened.conversation;
    const { contact } = opened;
    if (contact.profile_status === 'pending') {
      const lookup = await lookUpProfile(page.id, contact.external_id);
      contact.profile = lookup.status === 'found' ? lookup.profile : {};
      // Not when the channel could not answer now (Graph down, a rate limit): it stays pending, asked again next time.
      if (lookup.status !== 'unknown') {
        const picture = lookup.status === 'found' ? lookup.picture : undefined;
        const found = Object.keys(contact.profile).length > 0 || picture !== undefined;
        await store.saveProfile(contact.id, found ? { ...contact.profile, picture } : undefined, now);
      }
    }
    // The limit counts what the bot would answer. What the person wrote while another app had the thread (standby), or
    // while people own the conversation (taken over, or paused by a Page Inbox reply), is not counted: the bot answers
    // none of it, and what a person is to answer must not show as "not answered: over the rate limit".
    const botAnswers = !event.standby && currentRouting(conversation, now) === 'bot';
    const allowed =
      !botAnswers ||
      deps.rateLimiter.allow(
        `${page.id}:${contact.external_id}`,
        page.settings.rate_limit_per_minute,
        { id: eventId, at: wroteAt },
        now,
      );
    const incoming = incomingOf(event, allowed ? 'received' : 'throttled');
    // The 24-hour window runs from the person's last message, on the channel's clock.
    const lastInboundAt = Math.max(conversation.last_inbound_at ?? 0, event.timestamp);
    if (!allowed || event.standby) {
      // Not answered, but a person asking for someone is flagged for the team to see: nothing is handed over.
      const escalation = allowed ? undefined : throttledEscalationOf(event, conversation, now, reading);
      const log = deps.logger.child({ pageId: page.id, conversationId: conversation.id });
      log.info(
        { standby: event.standby, flagged: escalation !== undefined },
        allowed ? 'standby event recorded' : 'rate limit: recorded, not answered',
      );
      const changes = {
        last_inbound_at: lastInboundAt,
        ...thread,
        ...(escalation && { flagged: true, flag_reason: escalation }),
      };
      await store.commitTurn(
        {
          event_id: eventId,
          event_status: allowed ? 'done' : 'throttled',
          incoming,
          received_at: receivedAt,
          conversation: { id: conversation.id, changes },
        },
        now,
      );
      return allowed ? undefined : 'throttled';
    }
    const result = await runPersonTurn(deps, {
      eventId,
      event,
      page,
      ...opened,
      conversation,
      lastInboundAt,
      occurredAt: wroteAt,
      reading,
    });
    if (thread && result.conversation) Object.assign(result.conversation.changes, thread);
    await store.commitTurn({ ...result, incoming, received_at: receivedAt }, clock.now());
  }

  async function handleEcho(eventId: string, event: Extract<InboundEvent, { kind: 'echo' }>, page: PageRuntime) {
    const now = clock.now();
    const ours = event.app_id === page.app_id;
    if (ours && (await store.linkEcho(outboxIdOf(event, page), event.mid, stampOf(event, now), now))) {
      await store.commitTurn({ event_id: eventId, event_status: 'done' }, now);
      return;
    }
    // Someone else wrote to the person (a human in the Page Inbox, or another app): record it, never answer it,
    // and keep the bot quiet for a while so the two do not talk over each other. The pause's commit also cancels the
    // replies the bot queued and has not sent, as a take-over does: one waiting out its delay would follow theirs.
    const { conversation } = await store.openConversation(page.id, event.user_id as string, now);
    const text = messagePreview(event);
    const author = ours ? 'bot' : 'external';
    const incoming: NewMessage = {
      direction: 'out',
      author,
      external_id: event.mid,
      text,
      content: contentOf(event),
      status: 'sent',
      sent_at: stampOf(event, now),
    };
    const changes = {
      ...(!ours && pauseFor(page, conversation, stampOf(event, now), now)),
      ...threadSeen(event, conversation, stampOf(event, now)),
    };
    await store.commitTurn(
      { event_id: eventId, event_status: 'done', incoming, conversation: { id: conversation.id, changes } },
      now,
    );
  }

  /**
   * Thread control moved (messenger-platform.md §2.9, §7). Taken from us (a human in the Page Inbox, or another app), the
   * bot pauses until the thread comes back, and its unsent replies are cancelled: they would fail, not being the thread
   * owner's. The pause as for a reply typed there is set too: it goes on once an agent's reply takes the thread back.
   * Passed back to us, the pause ends at once. A take-over by the inbox's own agents stays, the take known to it: their
   * give-back takes the thread back.
   */
  async function handleHandover(
    eventId: string,
    event: Extract<InboundEvent, { kind: 'handover' }>,
    page: PageRuntime,
  ) {
    const now = clock.now();
    const newOwner = event.detail.new_owner_app_id;
    const taken = event.action === 'take_thread_control' && newOwner !== page.app_id;
    const given = event.action === 'pass_thread_control' && newOwner === page.app_id;
    if (!taken && !given) {
      await store.commitTurn({ event_id: eventId, event_status: 'ignored' }, now);
      return;
    }
    const { conversation } = await store.openConversation(page.id, event.user_id as string, now);
    const changes = taken
      ? threadTaken(page, conversation, stampOf(event, now), now)
      : {
          ...(conversation.thread_elsewhere_since !== null && { thread_elsewhere_since: null }),
          ...(conversation.routing === 'paused' && { routing: 'bot' as const, paused_until: null }),
        };
    const changed = Object.keys(changes).length > 0;
    await store.commitTurn(
      { event_id: eventId, event_status: 'done', ...(changed && { conversation: { id: conversation.id, changes } }) },
      now,
    );
  }

  /**
   * Another app asked for the thread (thread-request.ts). Only its owner is asked, so one on standby, or one our own app
   * made, is ignored. The Graph call is made before the commit, outside its transaction: handled again after a crash
   * between the two, the request finds the thread passed already (`ThreadControl.passThread`).
   */
  async function handleThreadRequest(
    eventId: string,
    event: Extract<InboundEvent, { kind: 'handover' }>,
    page: PageRuntime,
  ) {
    const requester = event.detail.requested_owner_app_id;
    if (!deps.threads || typeof requester !== 'string' || requester === page.app_id || event.standby) {
      await store.commitTurn({ event_id: eventId, event_status: 'ignored' }, clock.now());
      return;
    }
    const opened = await store.openConversation(page.id, event.user_id as string, clock.now());
    const { conversation } = opened;
    const changes = await answerThreadRequest({
      threads: deps.threads,
      logger: deps.logger,
      page,
      conversation,
      personId: opened.contact.external_id,
      requester,
      whenElsewhere: threadTaken(page, conversation, stampOf(event, clock.now()), clock.now()),
    });
    await store.commitTurn(
      { event_id: eventId, event_status: 'done', conversation: { id: conversation.id, changes } },
      clock.now(),
    );
  }

  /**
   * Kept in the inbox, not answered: a referral without a `ref` (an ad opened, a link followed), which opens or
   * refreshes the 24-hour window as a message does (§3.2); an opt-in to the page's marketing messages, or its stop or
   * resume, with its token, which is no message and leaves the window as it was.
   */
  async function recordUnanswered(eventId: string, event: InboundEvent, receivedAt: number) {
    const now = clock.now();
    const { conversation } = await store.openConversation(event.page_id, event.user_id as string, now);
    const changes =
      event.kind === 'referral'
        ? { last_inbound_at: Math.max(conversation.last_inbound_at ?? 0, event.timestamp) }
        : {};
    await store.commitTurn(
      {
        event_id: eventId,
        event_status: 'done',
        incoming: incomingOf(event, 'received'),
        received_at: receivedAt,
        conversation: { id: conversation.id, changes },
      },
      now,
    );
  }

  /**
   * Receipts cover what the page sent up to a watermark on Facebook's clock (and the ids a delivery names): a message
   * sent after the one the person saw is not covered, nor, for a receipt redelivered after an outage, what was sent
   * since. `sent_at` is Facebook's stamp once the echo came, our time of the call until then.
   */
  async function handleReceipt(
    eventId: string,
    event: Extract<InboundEvent, { kind: 'delivery' | 'read' }>,
    receivedAt: number,
  ) {
    const now = clock.now();
    const { conversation } = await store.openConversation(event.page_id, event.user_id as string, now);
    const sentBefore = event.watermark > 0 ? event.watermark + RECEIPT_ALLOWANCE_MS : receivedAt;
    const upTo = { sentBefore, ids: event.kind === 'delivery' ? event.mids : [] };
    const status = event.kind === 'delivery' ? 'delivered' : 'read';
    // Held first: a send whose record is being written now, which this update cannot see, reads it once written.
    deps.heldReceipts?.hold({ conversationId: conversation.id, status, cover: upTo }, now);
    await store.markOutgoing(conversation.id, status, upTo, now);
    await store.commitTurn({ event_id: eventId, event_status: 'done' }, now);
  }

  /** A reaction to a message (ours or the person's) shows on it in the inbox; nothing is answered. */
  async function handleReaction(eventId: string, event: Extract<InboundEvent, { kind: 'reaction' }>) {
    const now = clock.now();
    const reaction =
      event.action === 'react' ? (event.emoji ?? REACTION_EMOJI[event.reaction ?? ''] ?? event.reaction ?? '👍') : null;
    // To a message from before the gateway knew the person: nothing to show it on, and no conversation made for it.
    const marked = await store.markReaction(event.page_id, event.mid, reaction, now);
    await store.commitTurn({ event_id: eventId, event_status: marked === undefined ? 'ignored' : 'done' }, now);
  }

  /**
   * The person changed the text of a message: the inbox shows the new text, marked edited. Nothing is answered: the
   * assistant answered what it was first, and an edit is no new turn in Messenger either.
   */
  async function handleEdit(eventId: string, event: Extract<InboundEvent, { kind: 'edit' }>) {
    const now = clock.now();
    const edited = await store.markEdited(
      event.page_id,
      event.mid,
      { text: event.text, num_edit: event.num_edit },
      now,
    );
    // A message from before the gateway knew the person, or an edit applied already or older than the last applied:
    // nothing to change, and no conversation made for it.
    await store.commitTurn({ event_id: eventId, event_status: edited === undefined ? 'ignored' : 'done' }, now);
  }

  /**
   * The edits of a message handled late, which came before it and found nothing to change then. Its turn is kept
   * whatever happens here: a failure is logged, and the edits stay in the event log.
   */
  async function applyEarlierEdits(event: Extract<InboundEvent, { kind: 'message' }>) {
    try {
      const edits = await store.storedEdits(event.page_id, event.mid);
      for (const edit of edits) await store.markEdited(event.page_id, event.mid, edit, clock.now());
    } catch (err) {
      deps.logger.error({ err, pageId: event.page_id, mid: event.mid }, 'could not apply the edits of a late message');
    }
  }

  /**
   * Settles the sends that stored echoes prove, before anything is sent after a restart. An echo waits in its person's
   * lane behind the rest of the backlog, maybe longer than the outbox waits for echoes, but it is proof already.
   */
  async function settleStoredEchoes(events: StoredEvent[]): Promise<number> {
    let settled = 0;
    for (const { event } of events) {
      const page = deps.pages(event.page_id);
      if (event.kind !== 'echo' || !page) continue;
      const outboxId = outboxIdOf(event, page);
      const now = clock.now();
      if (outboxId && (await store.linkEcho(outboxId, event.mid, stampOf(event, now), now))) settled++;
    }
    return settled;
  }

  /**
   * Counts again the events handled lately (`events`, oldest first) toward their people's rate limits, as `handle`
   * counted them: after a restart, or when another process took over processing, nobody's limit starts afresh. Those
   * handled while people had the conversation count too (the routing they came under is not kept): a limit a little
   * too strict, for two minutes after a restart, for someone given back to the bot meanwhile.
   */
  function countAgain(events: StoredEvent[]) {
    const now = clock.now();
    for (const { id, event, received_at } of events) {
      if (!isTurn(event) || event.standby || !event.user_id) continue;
      const at = occurredAt(event, received_at);
      deps.rateLimiter.allow(`${event.page_id}:${event.user_id}`, Number.POSITIVE_INFINITY, { id, at }, now);
    }
  }

  return { handle, settleStoredEchoes, countAgain };
}

/**
 * The events a person's turn answers, which the rate limit counts: messages, postbacks, and a referral with a `ref`,
 * which names where to start (a flow's action) and is answered as Get Started is. One without only opens the window.
 */
function isTurn(event: InboundEvent): boolean {
  return (
    event.kind === 'message' ||
    event.kind === 'postback' ||
    (event.kind === 'referral' && event.referral.ref !== undefined)
  );
}

/** Messenger's names for its reactions, for an event that names one without its emoji (messenger-platform.md §2.8). */
const REACTION_EMOJI: Record<string, string> = {
  like: '👍',
  love: '❤️',
  smile: '😆',
  wow: '😮',
  sad: '😢',
  angry: '😠',
  dislike: '👎',
};

/** The outbox row an echo of our own app's send names in its metadata (`sb:<outbox id>`, see graph-sender.ts). */
function outboxIdOf(event: Extract<InboundEvent, { kind: 'echo' }>, page: PageRuntime): string | undefined {
  if (event.app_id !== page.app_id || !event.metadata?.startsWith('sb:')) return undefined;
  return event.metadata.slice(3);
}

export type ConversationService = ReturnType<typeof createConversationService>;

/**
 * The bot's pause when people answered the person elsewhere (the Page Inbox) at `answeredAt`, for the page's
 * `human_reply_pause_minutes`; none when the inbox's agents own the conversation already, the page sets no pause, or
 * the pause is over already (an answer Facebook sent again hours late).
 */
function pauseFor(page: PageRuntime, conversation: Conversation, answeredAt: number, now: number) {
  const pauseMs = page.settings.human_reply_pause_minutes * 60_000;
  const until = Math.min(answeredAt, now) + pauseMs;
  if (conversation.routing === 'human' || pauseMs <= 0 || until <= now) return undefined;
  return { routing: 'paused' as const, paused_until: until };
}

/**
 * Another app took the person's thread at `at`, or was passed it: the bot waits until the thread comes back, and, as
 * for a reply typed in the Page Inbox, the page's pause from then on, which goes on after an agent's reply takes the
 * thread back.
 */
function threadTaken(page: PageRuntime, conversation: Conversation, at: number, now: number) {
  return { ...pauseFor(page, conversation, at, now), thread_elsewhere_since: Math.min(at, now) };
}

/**
 * What an event tells of who holds the person's thread, where the conversation knew otherwise: one on standby comes
 * while another app does, one in `messaging` while the page's app does (messenger-platform.md §2.12). It corrects a
 * handover webhook missed, or one that never comes (the other app releasing the thread), and conversations paused
 * before the gateway kept who holds the thread.
 */
function threadSeen(event: InboundEvent, conversation: Conversation, at: number) {
  const since = conversation.thread_elsewhere_since;
  if (event.standby === (since !== null)) return undefined;
  // Sent before the thread went elsewhere, and delivered after its handover (another webhook field, in any order): it
  // tells of the thread as it was then.
  if (since !== null && at < since) return undefined;
  return { thread_elsewhere_since: event.standby ? at : null };
}

/**
 * What the person sent or did, as the inbox keeps it: a message, a tapped button, where they came from (a referral,
 * which nothing else shows), an opt-in.
 */
function incomingOf(event: InboundEvent, status: 'received' | 'throttled'): NewMessage {
  return {
    direction: 'in',
    author: 'contact',
    external_id: 'mid' in event ? event.mid : undefined,
    text: inboundPreview(event),
    content: contentOf(event),
    status,
  };
}

/** What the inbox shows of an event: the channel's fields without routing metadata. */
function contentOf(event: InboundEvent): unknown {
  const { key: _key, page_id: _page, user_id: _user, standby: _standby, ...content } = event;
  return content;
}
