import type { Kysely, Transaction } from 'kysely';
import type { ContactProfile, HistoryItem } from '../assistants/assistant.ts';
import type {
  Contact,
  Conversation,
  ConversationStore,
  NewMessage,
  OpenConversation,
  Outgoing,
  Session,
  TurnResult,
} from '../conversations/ports.ts';
import type { TransactionRunner } from './batched-writes.ts';
import { newId } from './ids.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The conversation service's storage, over Kysely (SQLite or PostgreSQL). */
export function createConversationStore(
  db: Kysely<Database>,
  transaction: TransactionRunner = (write) => db.transaction().execute(write),
): ConversationStore {
  return {
    async openConversation(pageId, externalId, now) {
      const row = await findOpenConversation(db, pageId, externalId);
      if (row?.conversation_id) return toOpenConversation(row, pageId);
      const contactId = row?.contact_id ?? (await insertContact(db, pageId, externalId, now));
      await insertConversation(db, pageId, contactId, now);
      return toOpenConversation((await findOpenConversation(db, pageId, externalId)) as OpenRow, pageId);
    },

    async saveProfile(contactId, profile, now) {
      await db
        .updateTable('contacts')
        .set({
          first_name: profile?.first_name ?? null,
          last_name: profile?.last_name ?? null,
          locale: profile?.locale ?? null,
          timezone: profile?.timezone ?? null,
          profile_status: profile ? 'fetched' : 'unavailable',
          updated_at: now,
        })
        .where('id', '=', contactId)
        .execute();
    },

    async recentHistory(conversationId, limit) {
      const rows = await db
        .selectFrom('messages')
        .select(['author', 'text', 'created_at'])
        .where('conversation_id', '=', conversationId)
        .where('text', 'is not', null)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse().map(
        (r): HistoryItem => ({
          role: r.author === 'contact' ? 'contact' : r.author === 'bot' ? 'assistant' : 'agent',
          text: r.text ?? '',
          at: r.created_at,
        }),
      );
    },

    async linkEcho(outboxId, externalId, now) {
      const row = outboxId
        ? await db
            .selectFrom('outbox')
            .select(['id', 'status', 'message_id'])
            .where('id', '=', outboxId)
            .executeTakeFirst()
        : undefined;
      if (!row) {
        const known = await db
          .selectFrom('messages')
          .select('id')
          .where('external_id', '=', externalId)
          .executeTakeFirst();
        return known !== undefined;
      }
      await transaction(async (tx) => {
        // An echo proves Graph accepted the send, even if we crashed before recording it: never send it again.
        if (row.status === 'pending') {
          await tx
            .updateTable('outbox')
            .set({ status: 'sent', external_id: externalId, updated_at: now })
            .where('id', '=', row.id)
            .execute();
        }
        if (row.message_id) {
          await tx
            .updateTable('messages')
            .set({ external_id: externalId, status: 'sent', updated_at: now })
            .where('id', '=', row.message_id)
            .where('external_id', 'is', null)
            .execute();
        }
      });
      return true;
    },

    async markOutgoing(conversationId, status, upTo, now) {
      const from = status === 'delivered' ? ['sent'] : ['sent', 'delivered'];
      await transaction((tx) =>
        tx
          .updateTable('messages')
          .set({ status, updated_at: now })
          .where('conversation_id', '=', conversationId)
          .where('direction', '=', 'out')
          .where('status', 'in', from)
          .where((eb) =>
            upTo.ids.length
              ? eb.or([eb('external_id', 'in', upTo.ids), eb('updated_at', '<=', upTo.sentBefore)])
              : eb('updated_at', '<=', upTo.sentBefore),
          )
          .execute(),
      );
    },

    commitTurn: (result, now) => transaction((tx) => writeTurn(tx, result, now)),

    queueOutgoing: (outgoing, now) =>
      transaction(async (tx) => {
        await queueOutgoing(tx, outgoing, now);
        await tx
          .updateTable('conversations')
          .set({ last_message_at: now, updated_at: now })
          .where('id', '=', outgoing.conversation_id)
          .execute();
      }),
  };
}

/** The person's contact, conversation and session in one query (the hot path reads them for every message). */
function findOpenConversation(db: Db, pageId: string, externalId: string) {
  return db
    .selectFrom('contacts as p')
    .leftJoin('conversations as c', (join) =>
      join.onRef('c.contact_id', '=', 'p.id').onRef('c.page_id', '=', 'p.page_id'),
    )
    .leftJoin('sessions as s', 's.conversation_id', 'c.id')
    .select([
      'p.id as contact_id',
      'p.external_id',
      'p.first_name',
      'p.last_name',
      'p.locale',
      'p.timezone',
      'p.profile_status',
      'c.id as conversation_id',
      'c.routing',
      'c.paused_until',
      'c.flagged',
      'c.flag_reason',
      'c.last_inbound_at',
      's.id as session_id',
      's.context',
      's.state',
      's.started_at',
      's.last_activity_at',
    ])
    .where('p.page_id', '=', pageId)
    .where('p.external_id', '=', externalId)
    .executeTakeFirst();
}

type OpenRow = NonNullable<Awaited<ReturnType<typeof findOpenConversation>>>;

function toOpenConversation(r: OpenRow, pageId: string): OpenConversation {
  const profile: ContactProfile = {};
  if (r.first_name) profile.first_name = r.first_name;
  if (r.last_name) profile.last_name = r.last_name;
  if (r.locale) profile.locale = r.locale;
  if (r.timezone !== null) profile.timezone = r.timezone;
  const conversation: Conversation = {
    id: r.conversation_id as string,
    page_id: pageId,
    contact_id: r.contact_id,
    routing: r.routing as Conversation['routing'],
    paused_until: r.paused_until,
    flagged: r.flagged === 1,
    flag_reason: r.flag_reason,
    last_inbound_at: r.last_inbound_at,
  };
  const session: Session | undefined = r.session_id
    ? {
        id: r.session_id,
        context: JSON.parse(r.context as string),
        state: JSON.parse(r.state as string),
        started_at: r.started_at as number,
        last_activity_at: r.last_activity_at as number,
      }
    : undefined;
  return {
    contact: {
      id: r.contact_id,
      page_id: pageId,
      external_id: r.external_id,
      profile,
      profile_status: r.profile_status as Contact['profile_status'],
    },
    conversation,
    session,
  };
}

async function insertContact(db: Db, pageId: string, externalId: string, now: number): Promise<string> {
  const id = newId(now);
  const inserted = await db
    .insertInto('contacts')
    .values({
      id,
      page_id: pageId,
      external_id: externalId,
      first_name: null,
      last_name: null,
      profile_pic: null,
      locale: null,
      timezone: null,
      profile_status: 'pending',
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['page_id', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const row = await db
    .selectFrom('contacts')
    .select('id')
    .where('page_id', '=', pageId)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function insertConversation(db: Db, pageId: string, contactId: string, now: number) {
  await db
    .insertInto('conversations')
    .values({
      id: newId(now),
      page_id: pageId,
      contact_id: contactId,
      routing: 'bot',
      paused_until: null,
      flagged: 0,
      flag_reason: null,
      last_inbound_at: null,
      last_message_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['page_id', 'contact_id']).doNothing())
    .execute();
}

async function insertMessage(db: Db, conversationId: string, m: NewMessage, now: number): Promise<string> {
  const id = newId(now);
  const inserted = await db
    .insertInto('messages')
    .values({
      id,
      conversation_id: conversationId,
      direction: m.direction,
      author: m.author,
      external_id: m.external_id ?? null,
      text: m.text ?? null,
      content: JSON.stringify(m.content),
      status: m.status,
      error: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('external_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await db
    .selectFrom('messages')
    .select('id')
    .where('external_id', '=', m.external_id as string)
    .executeTakeFirstOrThrow();
  return existing.id;
}

async function writeTurn(tx: Transaction<Database>, result: TurnResult, now: number): Promise<void> {
  if (result.incoming && result.conversation) await insertMessage(tx, result.conversation.id, result.incoming, now);
  await tx
    .updateTable('inbound_events')
    .set({ status: result.event_status, processed_at: now, error: null })
    .where('id', '=', result.event_id)
    .execute();
  if (result.conversation) {
    const { flagged, ...rest } = result.conversation.changes;
    await tx
      .updateTable('conversations')
      .set({
        ...rest,
        ...(flagged === undefined ? {} : { flagged: flagged ? 1 : 0 }),
        last_message_at: now,
        updated_at: now,
      })
      .where('id', '=', result.conversation.id)
      .execute();
  }
  if (result.session) await saveSession(tx, result.session.conversation_id, result.session.session, now);
  if (result.outgoing) await queueOutgoing(tx, result.outgoing, now);
}

async function saveSession(tx: Transaction<Database>, conversationId: string, s: Session, now: number) {
  const values = {
    context: JSON.stringify(s.context),
    state: JSON.stringify(s.state),
    started_at: s.started_at,
    last_activity_at: s.last_activity_at,
  };
  await tx
    .insertInto('sessions')
    .values({ id: s.id || newId(now), conversation_id: conversationId, ...values })
    .onConflict((oc) => oc.column('conversation_id').doUpdateSet(values))
    .execute();
}

/** Each step becomes an outbox row (and each message a message row) before anything is sent. */
async function queueOutgoing(tx: Transaction<Database>, out: Outgoing, now: number) {
  let delay = 0;
  for (const step of out.steps) {
    if (step.kind === 'wait') {
      delay += step.ms;
      continue;
    }
    const outboxId = newId(now);
    let messageId: string | null = null;
    if (step.kind === 'message') {
      messageId = await insertMessage(
        tx,
        out.conversation_id,
        { direction: 'out', author: out.author, text: step.preview, content: step.message, status: 'pending' },
        now,
      );
    }
    await tx
      .insertInto('outbox')
      .values({
        id: outboxId,
        conversation_id: out.conversation_id,
        page_id: out.page_id,
        recipient_id: out.recipient_id,
        message_id: messageId,
        kind:
          step.kind === 'message'
            ? 'message'
            : step.kind === 'seen'
              ? 'mark_seen'
              : step.on
                ? 'typing_on'
                : 'typing_off',
        request: JSON.stringify(step.kind === 'message' ? step.message : {}),
        tag: out.tag ?? null,
        delay_ms: delay,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        external_id: null,
        error_code: null,
        error_subcode: null,
        error_message: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    delay = 0;
  }
}
