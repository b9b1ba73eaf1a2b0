import type { Kysely } from 'kysely';
import { editKey, type InboundEvent, MAX_EDITS } from '../conversations/inbound-event.ts';
import type { TextReading } from '../conversations/policy/escalation.ts';
import { countByStatus } from './count-by-status.ts';
import { idFloor, newId } from './ids.ts';
import { precompiled } from './precompiled.ts';
import type { Database, InboundEventsTable } from './schema.ts';
import { storableText } from './storable-text.ts';

export interface StoredInboundEvent {
  id: string;
  event: InboundEvent;
  attempts: number;
  /** When we stored it, on our clock. */
  received_at: number;
  /** Its text as the escalation checks read it, when that was done ahead of its turn (thread-client.ts). */
  reading?: TextReading;
}

/** How many rows one INSERT carries; keeps every statement under SQLite's bound-parameter limit. */
const CHUNK = 200;

/**
 * Stores events in one transaction; redeliveries (same page and key) are dropped by the unique index.
 * Returns, for each event in order, the stored event, or undefined when it was a redelivery.
 */
export async function insertInboundEvents(
  db: Kysely<Database>,
  events: InboundEvent[],
  now: number,
): Promise<(StoredInboundEvent | undefined)[]> {
  const rows = events.map((event) => ({
    id: newId(now),
    event_key: `${event.page_id}:${event.key}`,
    page_id: event.page_id,
    user_id: event.user_id ?? null,
    kind: event.kind,
    body: JSON.stringify(event),
    status: 'pending',
    attempts: 0,
    error: null,
    received_at: now,
    processed_at: null,
  }));
  const inserted = new Set<string>();
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const { rows: result } = await insertEventsQuery(tx, numbered(rows.slice(i, i + CHUNK)));
      for (const r of result) inserted.add(r.id);
    }
  });
  return rows.map((row, i) =>
    inserted.has(row.id) ? { id: row.id, event: events[i] as InboundEvent, attempts: 0, received_at: now } : undefined,
  );
}

/** `{ "0:id": …, "0:body": …, "1:id": … }`: one key per value, so each row count gets a precompiled template. */
function numbered(rows: InboundEventsTable[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  rows.forEach((row, i) => {
    for (const [column, value] of Object.entries(row)) values[`${i}:${column}`] = value;
  });
  return values;
}

/**
 * The webhook's insert, built and compiled once per number of rows (one per request, mostly): building a Kysely
 * insert cost several times what SQLite takes to run it, on the path every 200 waits for.
 */
const insertEventsQuery = precompiled((db, values: Record<string, unknown>) => {
  const rows: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(values)) {
    const [index, column] = key.split(':') as [string, string];
    rows[Number(index)] ??= {};
    (rows[Number(index)] as Record<string, unknown>)[column] = value;
  }
  // The values are `precompiled`'s placeholders, one per key, whatever the columns' types.
  return db
    .insertInto('inbound_events')
    .values(rows as unknown as InboundEventsTable[])
    .onConflict((oc) => oc.column('event_key').doNothing())
    .returning('id');
});

/** What the workers read back of a stored event. */
const STORED_COLUMNS = ['id', 'body', 'attempts', 'received_at'] as const;

function storedEventOf(r: { id: string; body: string; attempts: number; received_at: number }): StoredInboundEvent {
  return { id: r.id, event: JSON.parse(r.body), attempts: r.attempts, received_at: r.received_at };
}

/** Of these events, those stored (same page and key) and still waiting to be handled, oldest first. */
export async function loadPendingByKey(
  db: Kysely<Database>,
  events: readonly InboundEvent[],
): Promise<StoredInboundEvent[]> {
  const found: StoredInboundEvent[] = [];
  for (let i = 0; i < events.length; i += CHUNK) {
    const keys = events.slice(i, i + CHUNK).map((e) => `${e.page_id}:${e.key}`);
    const rows = await db
      .selectFrom('inbound_events')
      .select(STORED_COLUMNS)
      .where('event_key', 'in', keys)
      .where('status', '=', 'pending')
      .execute();
    found.push(...rows.map(storedEventOf));
  }
  return found.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * The events of these events' people stored before them and still waiting to be handled, oldest first: those another
 * process stored whose hand-over has not reached this one yet.
 */
export async function loadPendingBefore(
  db: Kysely<Database>,
  events: readonly StoredInboundEvent[],
): Promise<StoredInboundEvent[]> {
  const users = [...new Set(events.map((e) => e.event.user_id).filter((u): u is string => u !== undefined))];
  if (users.length === 0) return [];
  const pages = [...new Set(events.map((e) => e.event.page_id))];
  const newest = events
    .map((e) => e.id)
    .sort()
    .at(-1) as string;
  const given = new Set(events.map((e) => e.id));
  const found: StoredInboundEvent[] = [];
  for (let i = 0; i < users.length; i += CHUNK) {
    const rows = await db
      .selectFrom('inbound_events')
      .select(STORED_COLUMNS)
      .where('status', '=', 'pending')
      .where('id', '<', newest)
      .where('page_id', 'in', pages)
      .where('user_id', 'in', users.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) if (!given.has(row.id)) found.push(storedEventOf(row));
  }
  return found.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Of the events of these ids, those still waiting to be handled, oldest first. */
export async function loadPendingByIds(db: Kysely<Database>, ids: string[]): Promise<StoredInboundEvent[]> {
  const found: StoredInboundEvent[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('inbound_events')
      .select(STORED_COLUMNS)
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .where('status', '=', 'pending')
      .execute();
    found.push(...rows.map(storedEventOf));
  }
  return found.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * The messages, postbacks and referrals stored since `since` and handled (`done`: answered, not throttled), oldest
 * first: what the rate limit counted lately, to count again when processing starts.
 */
export async function loadHandledTurnsSince(db: Kysely<Database>, since: number): Promise<StoredInboundEvent[]> {
  const rows = await db
    .selectFrom('inbound_events')
    .select(STORED_COLUMNS)
    .where('status', '=', 'done')
    .where('id', '>=', idFloor(since))
    .where('kind', 'in', ['message', 'postback', 'referral'])
    .orderBy('id')
    .execute();
  return rows.map(storedEventOf);
}

/** The edits of the person's message `mid` stored so far (any status), by their count. */
export async function loadStoredEdits(db: Kysely<Database>, pageId: string, mid: string) {
  const keys = Array.from({ length: MAX_EDITS }, (_, i) => `${pageId}:${editKey(mid, i + 1)}`);
  const rows = await db.selectFrom('inbound_events').select('body').where('event_key', 'in', keys).execute();
  return rows
    .map((r) => JSON.parse(r.body) as InboundEvent)
    .flatMap((e) => (e.kind === 'edit' ? [{ text: e.text, num_edit: e.num_edit }] : []))
    .sort((a, b) => (a.num_edit ?? 0) - (b.num_edit ?? 0));
}

/** Acknowledged events not finished yet (after a crash or restart), oldest first. */
export async function loadPendingEvents(
  db: Kysely<Database>,
  limit: number,
  afterId = '',
): Promise<StoredInboundEvent[]> {
  const rows = await db
    .selectFrom('inbound_events')
    .select(STORED_COLUMNS)
    .where('status', '=', 'pending')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(storedEventOf);
}

/** Ids of up to `limit` events stored before `before`, after `afterId`, and still pending, oldest first. */
export async function pendingEventIdsBefore(
  db: Kysely<Database>,
  before: number,
  limit: number,
  afterId = '',
): Promise<string[]> {
  const rows = await db
    .selectFrom('inbound_events')
    .select('id')
    .where('status', '=', 'pending')
    .where('id', '>', afterId)
    .where('id', '<', idFloor(before))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Echoes stored but not handled yet (after a restart): the proof that their sends reached Graph. */
export async function loadPendingEchoes(db: Kysely<Database>): Promise<StoredInboundEvent[]> {
  const rows = await db
    .selectFrom('inbound_events')
    .select(STORED_COLUMNS)
    .where('status', '=', 'pending')
    .where('kind', '=', 'echo')
    .execute();
  return rows.map(storedEventOf);
}

/**
 * A turn's commit found its event no longer pending: another run of the same event committed first (an event read
 * back from the database while the webhook's hand-over of it was still on its way). The turn's writes are rolled back.
 */
export class EventAlreadyHandledError extends Error {
  constructor(eventId: string) {
    super(`event ${eventId} is not pending: it was handled already`);
    this.name = 'EventAlreadyHandledError';
  }
}

/**
 * Records a failed attempt; `dead` when retries are exhausted (visible, replayable). Only on a pending event: false
 * when another run of it committed its turn first, whose `done` a failure must not undo (it would run a second turn).
 */
export async function recordEventFailure(
  db: Kysely<Database>,
  id: string,
  error: string,
  dead: boolean,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('inbound_events')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      error: storableText(error.slice(0, 2000)),
      status: dead ? 'dead' : 'pending',
      processed_at: dead ? now : null,
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Events stored and not yet handled, up to `limit`: those processing holds and those a backlog left in the database,
 * which it holds no more than 10,000 of.
 */
export const countPendingEvents = (db: Kysely<Database>, limit: number) =>
  countByStatus(db, 'inbound_events', 'pending', limit);

/** Keeps a body that could not be parsed, or an event that could not be understood, for inspection. */
export async function quarantine(db: Kysely<Database>, items: { reason: string; body: string }[], now: number) {
  if (items.length === 0) return;
  await db
    .insertInto('webhook_quarantine')
    .values(
      items.map((item) => ({
        id: newId(now),
        received_at: now,
        reason: item.reason,
        // PostgreSQL's text cannot hold U+0000: written as JSON would escape it, so that the body is kept all the same.
        body: item.body.replaceAll('\0', '\\u0000'),
      })),
    )
    .execute();
}
