import { type Kysely, sql } from 'kysely';
import { idFloor } from './ids.ts';
import type { Database } from './schema.ts';

export interface ConversationFilter {
  page_id?: string;
  /** Matched against the effective routing (see `effectiveRouting`). */
  routing?: string;
  flagged?: boolean;
  /** Only the conversations assigned to this user id, or (`none`) to nobody. */
  assignee?: string;
  /**
   * Text to find as typed, in the person's name or in any message of the conversation (in either case, for the letters
   * the database folds: A to Z on SQLite), or in the person's id.
   */
  search?: string;
  /** Only these conversations (those an inbox holds, told changed by its stream), still under the other filters. */
  ids?: string[];
  limit: number;
  /** Cursor: the last row of the previous page, whose id keeps conversations sharing its time from being skipped. */
  before?: { last_message_at: number; id: string };
  /** The gateway's clock, against which pauses run out. */
  now: number;
  /**
   * The inbox user asking: each row counts the person's messages they have not read (`unread`, at most 100), in a
   * conversation they never opened those since `unreadFrom`.
   */
  reader?: { id: string; unreadFrom: number };
}

/** The most unread messages a row counts: a badge says "99+" past it, and counting on would cost for nothing. */
export const UNREAD_COUNTED = 100;

/** `currentRouting` (conversations/ports.ts) in SQL, of the table aliased `c`. */
function effectiveRouting(now: number) {
  const pauseRunOut = sql<boolean>`c.routing = 'paused' and coalesce(c.paused_until, 0) <= ${now}`;
  return sql<string>`case when c.routing = 'human' then 'human' when c.thread_elsewhere_since is not null then 'paused' when ${pauseRunOut} then 'bot' else c.routing end`;
}

/**
 * When the pause of table `c` for a reply typed in the Page Inbox ends; null while another app holds the person's
 * thread: paused until it comes back, however long.
 */
const pauseEnd = sql<number | null>`case when c.thread_elsewhere_since is null then c.paused_until end`.as(
  'paused_until',
);

/** Characters of the last message a listed conversation carries. */
export const LAST_TEXT_LENGTH = 200;

/**
 * Conversations for the inbox, most recent first, with the contact, the last message and the unread count. The page
 * of rows is picked first, and the last message and the count read for those rows alone: run for every row before the
 * sort, they cost as much as the whole table.
 */
export async function listConversations(db: Kysely<Database>, filter: ConversationFilter) {
  const picked = pickConversations(db, filter);
  const rows = await db
    .selectFrom(picked.as('c'))
    .selectAll('c')
    .select((eb) =>
      eb
        .selectFrom('messages as m')
        // What a row shows of it: a long message would make every poll of the list heavy, and its row's name too.
        .select(sql<string | null>`substr(m.text, 1, ${sql.lit(LAST_TEXT_LENGTH)})`.as('text'))
        .whereRef('m.conversation_id', '=', 'c.id')
        .orderBy('m.id', 'desc')
        .limit(1)
        .as('last_text'),
    )
    .select(unreadCount(filter.reader))
    .select(assigneeName)
    .orderBy('c.last_message_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  // PostgreSQL counts in bigint, which pg reads as text.
  return rows.map((r) => ({ ...r, flagged: r.flagged === 1, unread: Number(r.unread) }));
}

/** The conversations of one page of the list under `filter`, in its order. */
function pickConversations(db: Kysely<Database>, filter: ConversationFilter) {
  let query = db
    .selectFrom('conversations as c')
    .innerJoin('contacts as p', 'p.id', 'c.contact_id')
    .select([
      'c.id',
      'c.page_id',
      effectiveRouting(filter.now).as('routing'),
      pauseEnd,
      'c.thread_elsewhere_since',
      'c.flagged',
      'c.flag_reason',
      'c.assignee_id',
      'c.last_inbound_at',
      'c.last_message_at',
      'p.external_id as contact_external_id',
      'p.first_name',
      'p.last_name',
      'p.profile_pic',
    ])
    .orderBy('c.last_message_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(filter.limit);
  if (filter.page_id) query = query.where('c.page_id', '=', filter.page_id);
  if (filter.routing) query = query.where(effectiveRouting(filter.now), '=', filter.routing);
  if (filter.flagged !== undefined) query = query.where('c.flagged', '=', filter.flagged ? 1 : 0);
  if (filter.assignee === 'none') query = query.where('c.assignee_id', 'is', null);
  else if (filter.assignee) query = query.where('c.assignee_id', '=', filter.assignee);
  if (filter.ids) query = query.where('c.id', 'in', filter.ids);
  const { search } = filter;
  if (search) {
    // Folded by the database on both sides, so that each folds the same letters in the text and in the search.
    const pattern = sql<string>`lower(cast(${`%${search.replace(/[\\%_]/g, '\\$&')}%`} as text))`;
    const name = sql<string>`lower(coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, ''))`;
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`${name} like ${pattern} escape '\\'`,
        // A person without a name shows as the end of their id ("Person …1234").
        sql<boolean>`lower(p.external_id) like ${pattern} escape '\\'`,
        eb.exists(
          eb
            .selectFrom('messages as s')
            .select('s.id')
            .whereRef('s.conversation_id', '=', 'c.id')
            .where(sql<boolean>`lower(s.text) like ${pattern} escape '\\'`),
        ),
      ]),
    );
  }
  const { before } = filter;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('c.last_message_at', '<', before.last_message_at),
        eb.and([eb('c.last_message_at', '=', before.last_message_at), eb('c.id', '<', before.id)]),
      ]),
    );
  }
  return query;
}

/** The user `userId` names (a column), as the inbox names them: their name, else their email; null once removed. */
function userName(userId: 'c.assignee_id' | 'messages.sender_id') {
  return sql<string | null>`(select coalesce(u.name, u.email) from users u where u.id = ${sql.ref(userId)})`;
}

/** Who conversation `c` is assigned to. */
const assigneeName = userName('c.assignee_id').as('assignee_name');

/** The person's messages in conversation `c` newer than what `reader` read there, up to `UNREAD_COUNTED`. */
function unreadCount(reader: ConversationFilter['reader']) {
  if (reader === undefined) return sql<number>`0`.as('unread');
  const readUpTo = sql`(select r.read_up_to from conversation_reads r where r.user_id = ${reader.id} and r.conversation_id = c.id)`;
  const from = idFloor(reader.unreadFrom);
  return sql<number>`(select count(*) from (select 1 as one from messages u where u.conversation_id = c.id and u.direction = 'in' and u.id > coalesce(${readUpTo}, ${from}) limit ${UNREAD_COUNTED}) n)`.as(
    'unread',
  );
}

/** The user as the list's unread counts need them: where their counts begin. Undefined for a user gone meanwhile. */
export async function readerOf(db: Kysely<Database>, userId: string): Promise<ConversationFilter['reader']> {
  const user = await db
    .selectFrom('users')
    .select(['unread_from', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return user && { id: userId, unreadFrom: Number(user.unread_from ?? user.created_at) };
}

/** Marks the conversation read by `userId` up to the message `messageId`; never back to an older one. */
export async function markRead(
  db: Kysely<Database>,
  userId: string,
  conversationId: string,
  messageId: string,
  now: number,
) {
  await db
    .insertInto('conversation_reads')
    .values({ user_id: userId, conversation_id: conversationId, read_up_to: messageId, updated_at: now })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'conversation_id'])
        .doUpdateSet({ read_up_to: (eb) => eb.ref('excluded.read_up_to'), updated_at: now })
        .where('conversation_reads.read_up_to', '<', messageId),
    )
    .execute();
}

/** One conversation with its contact; its routing as it stands at `now` (see `effectiveRouting`). */
export async function findConversation(db: Kysely<Database>, id: string, now: number) {
  const row = await db
    .selectFrom('conversations as c')
    .innerJoin('contacts as p', 'p.id', 'c.contact_id')
    .select([
      'c.id',
      'c.page_id',
      effectiveRouting(now).as('routing'),
      pauseEnd,
      'c.thread_elsewhere_since',
      'c.flagged',
      'c.flag_reason',
      'c.assignee_id',
      assigneeName,
      'c.last_inbound_at',
      'p.external_id as contact_external_id',
      'p.first_name',
      'p.last_name',
      'p.profile_pic',
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();
  return row && { ...row, flagged: row.flagged === 1 };
}

/** Who sent an agent's reply. */
const senderName = userName('messages.sender_id').as('sender_name');

/** A conversation's messages, oldest first, `limit` before the cursor (a message id). */
export async function listMessages(db: Kysely<Database>, conversationId: string, limit: number, before?: string) {
  let query = db
    .selectFrom('messages')
    .select([
      'id',
      'direction',
      'author',
      'external_id',
      'text',
      'content',
      'status',
      'error',
      'reaction',
      'edited_at',
      'created_at',
      'updated_at',
      senderName,
    ])
    .where('conversation_id', '=', conversationId)
    .orderBy('id', 'desc')
    .limit(limit);
  if (before) query = query.where('id', '<', before);
  const messages = (await query.execute()).reverse().map((r) => ({ ...r, content: JSON.parse(r.content) }));
  const replyTo = messages.map(replyToOf);
  const quoted = await quotedMessages(db, conversationId, replyTo);
  return messages.map((m, i) => {
    const mid = replyTo[i];
    return mid === undefined ? m : { ...m, reply_to: { external_id: mid, message: quoted.get(mid) ?? null } };
  });
}

/** The Messenger id of the message a person's message replies to (swiped to quote it), if it does. */
function replyToOf(message: { direction: string; content: unknown }): string | undefined {
  const content = message.content as { kind?: unknown; reply_to_mid?: unknown } | null;
  if (message.direction !== 'in' || content?.kind !== 'message') return undefined;
  return typeof content.reply_to_mid === 'string' ? content.reply_to_mid : undefined;
}

/** The conversation's stored messages of these Messenger ids: one read for a page of the thread. */
async function quotedMessages(db: Kysely<Database>, conversationId: string, mids: (string | undefined)[]) {
  const wanted = [...new Set(mids.filter((mid): mid is string => mid !== undefined))];
  const rows =
    wanted.length === 0
      ? []
      : await db
          .selectFrom('messages')
          .select(['id', 'external_id', 'direction', 'author', 'text', 'content', senderName])
          .where('conversation_id', '=', conversationId)
          .where('external_id', 'in', wanted)
          .execute();
  return new Map(
    rows.map(({ external_id, content, ...row }) => [external_id as string, { ...row, content: JSON.parse(content) }]),
  );
}
