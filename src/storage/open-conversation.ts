import type { Kysely, Transaction } from 'kysely';
import type { ContactProfile } from '../assistants/assistant.ts';
import type { Contact, Conversation, OpenConversation, Session } from '../conversations/ports.ts';
import { newId } from './ids.ts';
import { precompiled } from './precompiled.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The person's contact, conversation and session, created on first contact. */
export async function openConversation(
  db: Db,
  pageId: string,
  externalId: string,
  now: number,
): Promise<OpenConversation> {
  const row = await findOpenConversation(db, pageId, externalId);
  if (row?.conversation_id) return toOpenConversation(row, pageId);
  const contactId = row?.contact_id ?? (await insertContact(db, pageId, externalId, now));
  await insertConversation(db, pageId, contactId, now);
  return toOpenConversation((await findOpenConversation(db, pageId, externalId)) as OpenRow, pageId);
}

/** The person's contact, conversation and session in one query (the hot path reads them for every message). */
const openConversationQuery = precompiled((db, v: { pageId: string; externalId: string }) =>
  db
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
      'c.thread_elsewhere_since',
      'c.flagged',
      'c.flag_reason',
      'c.last_inbound_at',
      's.id as session_id',
      's.context',
      's.state',
      's.started_at',
      's.last_activity_at',
    ])
    .where('p.page_id', '=', v.pageId)
    .where('p.external_id', '=', v.externalId),
);

async function findOpenConversation(db: Db, pageId: string, externalId: string) {
  return (await openConversationQuery(db, { pageId, externalId })).rows[0];
}

type OpenRow = NonNullable<Awaited<ReturnType<typeof findOpenConversation>>>;

/** A profile as the contact's columns give it back: empty names and locales left out, a zero timezone kept. */
export function profileFromColumns(c: {
  first_name?: string | null;
  last_name?: string | null;
  locale?: string | null;
  timezone?: number | null;
}): ContactProfile {
  const profile: ContactProfile = {};
  if (c.first_name) profile.first_name = c.first_name;
  if (c.last_name) profile.last_name = c.last_name;
  if (c.locale) profile.locale = c.locale;
  if (c.timezone !== null && c.timezone !== undefined) profile.timezone = c.timezone;
  return profile;
}

function toOpenConversation(r: OpenRow, pageId: string): OpenConversation {
  const profile = profileFromColumns(r);
  const conversation: Conversation = {
    id: r.conversation_id as string,
    page_id: pageId,
    contact_id: r.contact_id,
    routing: r.routing as Conversation['routing'],
    paused_until: r.paused_until,
    thread_elsewhere_since: r.thread_elsewhere_since,
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
      thread_elsewhere_since: null,
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
