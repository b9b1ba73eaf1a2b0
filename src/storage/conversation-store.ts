import { type Kysely, sql, type Transaction } from 'kysely';
import type { HistoryItem } from '../assistants/assistant.ts';
import { statusesBefore } from '../conversations/held-receipts.ts';
import {
  type ConversationStore,
  currentRouting,
  type MessageEdit,
  type Session,
  type TurnResult,
} from '../conversations/ports.ts';
import type { TransactionRunner } from './batched-writes.ts';
import { idFloor, newId } from './ids.ts';
import { EventAlreadyHandledError, loadStoredEdits } from './inbound-event-repository.ts';
import { insertMessage, queueOutgoing } from './message-writes.ts';
import { openConversation } from './open-conversation.ts';
import { cancelBotSends, type OutboxRow } from './outbox-repository.ts';
import { precompiled } from './precompiled.ts';
import type { ConversationsTable, Database, SessionsTable } from './schema.ts';
import { storableText } from './storable-text.ts';

/** What a turn queued to send, as stored. */
export interface QueuedRows {
  rows: OutboxRow[];
  /** Older rows of the conversation were still pending (an agent's reply whose wake is on its way): send in order. */
  behindOthers: boolean;
  /** The bot's reply was not queued: a person took the conversation over while the turn ran. */
  dropped: boolean;
  /**
   * The turn paused the bot (a reply typed in Facebook's Page Inbox) and cancelled what it had queued and not sent, as
   * a take-over does: the dispatcher must read the conversation's queue again (`reread`) instead of what it holds.
   */
  botSendsCancelled: boolean;
  /**
   * When Graph said the person cannot be reached, if that stands after the turn (said after their message came): the
   * rows handed over are refused by the window policy as rows read back are.
   */
  unreachableAt: number | null;
}

/** The conversation service's storage, whose `commitTurn` also says what it queued to send. */
export interface ConversationStoreWithOutbox extends ConversationStore {
  commitTurn(result: TurnResult, now: number): Promise<QueuedRows>;
}

/** The conversation service's storage, over Kysely (SQLite or PostgreSQL). */
export function createConversationStore(
  db: Kysely<Database>,
  transaction: TransactionRunner = (write) => db.transaction().execute(write),
): ConversationStoreWithOutbox {
  return {
    openConversation: (pageId, externalId, now) => openConversation(db, pageId, externalId, now),

    async saveProfile(contactId, profile, now) {
      await db
        .updateTable('contacts')
        .set({
          first_name: profile?.first_name ?? null,
          last_name: profile?.last_name ?? null,
          locale: profile?.locale ?? null,
          timezone: profile?.timezone ?? null,
          profile_pic: profile?.picture ?? null,
          profile_status: profile ? 'fetched' : 'unavailable',
          updated_at: now,
        })
        .where('id', '=', contactId)
        .execute();
    },

    async recentHistory(conversationId, limit, since) {
      const rows = await db
        .selectFrom('messages')
        .select(['author', 'text', 'created_at'])
        .where('conversation_id', '=', conversationId)
        .where('text', 'is not', null)
        // What the person never got is no part of what was said.
        .where((eb) => eb.or([eb('direction', '=', 'in'), eb('status', 'not in', ['failed', 'blocked', 'cancelled'])]))
        .where('created_at', '>=', since)
        // Ids grow with time: this bound lets the index scan stop at the session's start.
        .where('id', '>=', idFloor(since))
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse().map(historyItemOf);
    },

    async quotedMessage(conversationId, externalId) {
      const row = await db
        .selectFrom('messages')
        .select(['author', 'text', 'created_at'])
        .where('conversation_id', '=', conversationId)
        .where('external_id', '=', externalId)
        .where('text', 'is not', null)
        .executeTakeFirst();
      return row && historyItemOf(row);
    },

    async linkEcho(outboxId, externalId, stampedAt, now) {
      const row = outboxId
        ? await db
            .selectFrom('outbox')
            .select(['id', 'status', 'message_id', 'conversation_id'])
            .where('id', '=', outboxId)
            .executeTakeFirst()
        : undefined;
      if (!row) {
        const known = await db
          .selectFrom('messages')
          .select('id')
          .where('external_id', '=', externalId)
          .executeTakeFirst();
        return known !== undefined && {};
      }
      await transaction(async (tx) => {
        // An echo proves Graph accepted the send, even if we crashed before recording it, or recorded a timeout as a
        // failure (a retry, or the last attempt: dead): never send it again.
        if (row.status !== 'sent') {
          await tx
            .updateTable('outbox')
            .set({ status: 'sent', external_id: externalId, updated_at: now })
            .where('id', '=', row.id)
            .execute();
        }
        // Facebook's stamp replaces our own time of the call: receipts' watermarks are on Facebook's clock. The rest
        // only when the send was not recorded: a receipt may have moved the message past `sent` since.
        if (row.message_id) {
          await tx
            .updateTable('messages')
            .set((eb) => {
              const unrecorded = eb('external_id', 'is', null);
              return {
                status: eb.case().when(unrecorded).then('sent').else(eb.ref('status')).end(),
                error: eb.case().when(unrecorded).then(null).else(eb.ref('error')).end(),
                external_id: eb.fn.coalesce('external_id', eb.val(externalId)),
                sent_at: stampedAt,
                updated_at: now,
              };
            })
            .where('id', '=', row.message_id)
            .execute();
        }
      });
      return { changed: row.conversation_id };
    },

    async markOutgoing(conversationId, status, upTo, now) {
      const marked = await transaction((tx) =>
        tx
          .updateTable('messages')
          .set({ status, updated_at: now })
          .where('conversation_id', '=', conversationId)
          .where('direction', '=', 'out')
          .where('status', 'in', statusesBefore(status))
          .where((eb) => {
            // Rows sent before the column existed have only `updated_at`.
            const sentBefore = eb(eb.fn.coalesce('sent_at', 'updated_at'), '<=', upTo.sentBefore);
            return upTo.ids.length ? eb.or([eb('external_id', 'in', upTo.ids), sentBefore]) : sentBefore;
          })
          .executeTakeFirst(),
      );
      return Number(marked.numUpdatedRows);
    },

    markReaction: (pageId, externalId, reaction, now) =>
      transaction(async (tx) => {
        const marked = await tx
          .updateTable('messages')
          .set({ reaction, updated_at: now })
          .where('external_id', '=', externalId)
          .where('conversation_id', 'in', pageConversations(tx, pageId))
          .returning('conversation_id')
          .executeTakeFirst();
        return marked?.conversation_id;
      }),

    storedEdits: (pageId, mid) => loadStoredEdits(db, pageId, mid),

    markEdited: (pageId, externalId, edit, now) =>
      transaction(async (tx) => {
        const message = await tx
          .selectFrom('messages')
          .select(['id', 'conversation_id', 'content'])
          .where('external_id', '=', externalId)
          .where('direction', '=', 'in')
          .where('conversation_id', 'in', pageConversations(tx, pageId))
          .executeTakeFirst();
        const content = message && editedContent(message.content, edit);
        if (!message || !content) return undefined;
        await tx
          .updateTable('messages')
          .set({ text: storableText(edit.text), content, edited_at: now, updated_at: now })
          .where('id', '=', message.id)
          .execute();
        return message.conversation_id;
      }),

    commitTurn: (result, now) => transaction((tx) => writeTurn(tx, result, now)),

    queueOutgoing: (outgoing, now) =>
      transaction<'queued' | 'repeated'>(async (tx) => {
        if (outgoing.client_key !== undefined) {
          const earlier = await tx
            .selectFrom('messages')
            .select('id')
            .where('conversation_id', '=', outgoing.conversation_id)
            .where('client_key', '=', outgoing.client_key)
            .executeTakeFirst();
          if (earlier) return 'repeated';
        }
        await queueOutgoing(tx, outgoing, now);
        await updateConversation(tx, { last_message_at: now, updated_at: now, id: outgoing.conversation_id });
        return 'queued';
      }).catch((error: unknown) => {
        // The same key in two requests at once (PostgreSQL: both found none before either committed): one is queued.
        if (outgoing.client_key !== undefined && breaksClientKey(error)) return 'repeated';
        throw error;
      }),
  };
}

/** The unique index on `(conversation_id, client_key)` refused an insert. */
function breaksClientKey(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (e?.code === '23505') return e.constraint === 'messages_client_key';
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && String(e.message).includes('client_key');
}

const settleEventQuery = precompiled((db, v: { id: string; status: string; now: number }) =>
  db
    .updateTable('inbound_events')
    .set({ status: v.status, processed_at: v.now, error: null })
    .where('id', '=', v.id)
    .where('status', '=', 'pending'),
);

/**
 * Writes a turn; returns the outbox rows it queued, as stored. Settling its event is the turn's claim on it: the
 * event must still be pending, or nothing is written (EventAlreadyHandledError), so one event never has two turns.
 */
async function writeTurn(tx: Transaction<Database>, result: TurnResult, now: number): Promise<QueuedRows> {
  const settled = await settleEventQuery(tx, { id: result.event_id, status: result.event_status, now });
  if (settled.numAffectedRows === 0n) throw new EventAlreadyHandledError(result.event_id);
  const { conversation, outgoing } = result;
  if (result.incoming && conversation) await insertMessage(tx, conversation.id, result.incoming, now);
  // A turn that sends updates its conversation too (`last_message_at`), which says who owns it now.
  const conversationId = conversation?.id ?? outgoing?.conversation_id;
  let owner: Owner | undefined;
  let botSendsCancelled = false;
  let unreachableAt: number | null = null;
  if (conversationId !== undefined) {
    const changes = conversation?.changes ?? {};
    const { routing, paused_until } = changes;
    const { rows } = await updateConversation(tx, conversationUpdate(conversationId, changes, now));
    owner = rows[0];
    const rerouted = routing !== undefined && (await changeRouting(tx, conversationId, routing, paused_until ?? null));
    // A person answered in the Page Inbox: the bot's replies queued before it must not follow theirs (docs/adr/0003,
    // take-overs). Not when people own the conversation: the pause did not apply, and the take-over cancelled them.
    // Another app took the thread: the bot's replies would fail, not being the thread owner's.
    if ((rerouted && routing === 'paused') || (changes.thread_elsewhere_since ?? null) !== null) {
      await cancelBotSends(tx, conversationId, now);
      botSendsCancelled = true;
    }
    // The person wrote: Graph's "cannot be reached" no longer holds (they unblocked the page, or came back), unless
    // Graph said so after this message came (a reply to an earlier one, refused meanwhile).
    unreachableAt = owner?.unreachable_at ?? null;
    if (
      changes.last_inbound_at !== undefined &&
      unreachableAt !== null &&
      unreachableAt < (result.received_at ?? now)
    ) {
      await tx.updateTable('conversations').set({ unreachable_at: null }).where('id', '=', conversationId).execute();
      unreachableAt = null;
    }
  }
  // The assistant ran on the routing the turn read; a person may have taken the conversation over since. Then neither
  // its reply nor its session is kept: a flow must not wait for the answer to a question nobody saw.
  if (outgoing?.author === 'bot' && owner && currentRouting(owner, now) !== 'bot')
    return { rows: [], behindOthers: false, dropped: true, botSendsCancelled, unreachableAt };
  if (result.session) await saveSession(tx, result.session.conversation_id, result.session.session, now);
  if (!outgoing) return { rows: [], behindOthers: false, dropped: false, botSendsCancelled, unreachableAt };
  const rows = await queueOutgoing(tx, outgoing, now);
  return { rows, behindOthers: Boolean(owner?.sends_pending), dropped: false, botSendsCancelled, unreachableAt };
}

/**
 * Who the conversation belonged to before the turn's own routing change, whether rows of it wait to be sent, and since
 * when Graph says the person cannot be reached.
 */
type Owner = Pick<ConversationsTable, 'routing' | 'paused_until' | 'thread_elsewhere_since' | 'unreachable_at'> & {
  sends_pending: unknown;
};

/**
 * The routings a turn may change each routing from. The turn read the conversation before its assistant ran, and an
 * agent may have taken it over since: an expired pause must not hand it back to the bot, nor a reply typed in
 * Facebook's Page Inbox pause it. Handing it to people (the assistant's `connect_to_agent`) always stands.
 */
const ROUTING_FROM: Record<string, string[]> = {
  bot: ['paused'],
  paused: ['bot', 'paused'],
  human: ['bot', 'paused', 'human'],
};

/** Changes the routing if it may be changed from what it is now (ROUTING_FROM); true when it was. */
async function changeRouting(tx: Transaction<Database>, id: string, routing: string, pausedUntil: number | null) {
  const changed = await tx
    .updateTable('conversations')
    .set({ routing, paused_until: pausedUntil })
    .where('id', '=', id)
    .where('routing', 'in', ROUTING_FROM[routing] ?? [routing])
    .executeTakeFirst();
  return changed.numUpdatedRows > 0n;
}

/** Changes the update does not copy as they are: the routing, which `changeRouting` applies, and the flag's own rule. */
const NOT_COPIED = new Set(['flagged', 'flag_reason', 'routing', 'paused_until']);

/**
 * A turn's conversation changes as the columns its update writes. Built key by key rather than from spread copies: the
 * processing thread's collector promoted a sixth less without them (docs/benchmarks.md).
 */
function conversationUpdate(id: string, changes: TurnChanges, now: number): ConversationUpdate {
  const update: ConversationUpdate = { id, last_message_at: now, updated_at: now };
  for (const key in changes) {
    if (!NOT_COPIED.has(key)) (update as Record<string, unknown>)[key] = changes[key as keyof TurnChanges];
  }
  const { flagged, flag_reason } = changes;
  if (flagged !== undefined) update.flagged = flagged ? 1 : 0;
  // A reason quotes the person or a bot: it may hold what PostgreSQL refuses.
  const reason = typeof flag_reason === 'string' ? storableText(flag_reason) : flag_reason;
  // A flag that stands keeps the reason the team was told (an agent's, or the first cause found): a turn's flag gives
  // its reason only to a conversation not flagged when the turn is written.
  if (reason !== undefined) {
    if (flagged && reason !== null) update.raised_flag_reason = reason;
    else update.flag_reason = reason;
  }
  return update;
}

type TurnChanges = NonNullable<TurnResult['conversation']>['changes'];

type ConversationUpdate = Partial<Omit<ConversationsTable, 'id'>> & {
  id: string;
  /** The reason of a flag the turn raises, written only where no flag with a reason stands. */
  raised_flag_reason?: string;
};

/**
 * Precompiled once per set of changed columns: a turn changes one of a handful of sets. Returns who owns the
 * conversation, and whether rows of it wait to be sent (an agent's reply whose wake is on its way).
 */
const updateConversation = precompiled((db, v: ConversationUpdate) => {
  const { id, raised_flag_reason: raised, ...changes } = v;
  return db
    .updateTable('conversations')
    .set(changes)
    .$if(raised !== undefined, (update) =>
      // Compared with the row before this update (SQL reads the old row): an agent's flag written while the turn's
      // assistant ran keeps its reason too.
      update.set((eb) => ({
        flag_reason: eb
          .case()
          .when(eb.and([eb('flagged', '=', 1), eb('flag_reason', 'is not', null)]))
          .then(eb.ref('flag_reason'))
          .else(eb.val(raised as string))
          .end(),
      })),
    )
    .where('id', '=', id)
    .returning((eb) => [
      'routing',
      'paused_until',
      'thread_elsewhere_since',
      'unreachable_at',
      eb
        .exists(
          eb
            .selectFrom('outbox')
            .select('outbox.id')
            .whereRef('outbox.conversation_id', '=', 'conversations.id')
            .where(sql<boolean>`outbox.status = 'pending'`),
        )
        .as('sends_pending'),
    ]);
});

const saveSessionQuery = precompiled((db, v: SessionsTable) => {
  const { id: _id, conversation_id: _conversation, ...changes } = v;
  return db
    .insertInto('sessions')
    .values(v)
    .onConflict((oc) => oc.column('conversation_id').doUpdateSet(changes));
});

async function saveSession(tx: Transaction<Database>, conversationId: string, s: Session, now: number) {
  await saveSessionQuery(tx, {
    id: s.id || newId(now),
    conversation_id: conversationId,
    context: JSON.stringify(s.context),
    state: JSON.stringify(s.state),
    started_at: s.started_at,
    last_activity_at: s.last_activity_at,
  });
}

/** A stored message as the assistants see it: the person is `contact`, the bot `assistant`, anyone else `agent`. */
function historyItemOf(r: { author: string; text: string | null; created_at: number }): HistoryItem {
  return {
    role: r.author === 'contact' ? 'contact' : r.author === 'bot' ? 'assistant' : 'agent',
    text: r.text ?? '',
    at: r.created_at,
  };
}

/**
 * The page's conversations: an event of one page (signed by its app) changes no message of another page's, whatever
 * message id it names.
 */
const pageConversations = (tx: Transaction<Database>, pageId: string) =>
  tx.selectFrom('conversations').select('id').where('page_id', '=', pageId);

/**
 * The message's content with its new text; the texts it had before stay in `earlier_texts`, oldest first, and the last
 * `num_edit` applied in `num_edit`. Undefined for an edit applied already or older than that one: a second run of its
 * event would keep the text twice, a retried delivery that comes late would put an older text back.
 */
function editedContent(stored: string, edit: MessageEdit): string | undefined {
  const content = JSON.parse(stored) as { text?: string; earlier_texts?: string[]; num_edit?: number };
  const stale = edit.num_edit === undefined ? edit.text === content.text : edit.num_edit <= (content.num_edit ?? 0);
  if (stale) return undefined;
  const earlier = [...(content.earlier_texts ?? []), ...(content.text === undefined ? [] : [content.text])];
  const counted = edit.num_edit === undefined ? {} : { num_edit: edit.num_edit };
  return JSON.stringify({ ...content, text: edit.text, earlier_texts: earlier, ...counted });
}
