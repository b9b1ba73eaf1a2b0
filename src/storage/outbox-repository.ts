import { type Kysely, sql, type Transaction } from 'kysely';
import { type ReceiptStatus, statusesBefore } from '../conversations/held-receipts.ts';
import { idFloor } from './ids.ts';
import { precompiled } from './precompiled.ts';
import type { Database, OutboxTable } from './schema.ts';
import { storableText } from './storable-text.ts';

export type OutboxRow = OutboxTable;

/**
 * Whether the row was put back from the dead letters (`replayDead`): its attempts start again from none, and it keeps
 * the error of its last attempt, which a row never tried has not.
 */
export const replayed = (row: OutboxRow) => row.attempts === 0 && row.error_message !== null;

/** Literal, not parameters, so the databases can use the partial index `outbox_unsettled`. */
const UNSETTLED = sql<boolean>`status = 'pending'`;

/** Rows fetched per read of a conversation's queue: one turn's messages fit in one read. */
export const PENDING_BATCH = 20;

/**
 * The conversation's unsettled rows, oldest first (order within a conversation is kept), at most PENDING_BATCH.
 * The limit is a literal: a bound LIMIT parameter makes SQLite's lookup several times slower.
 */
export async function pendingOutboxRows(db: Kysely<Database>, conversationId: string): Promise<OutboxRow[]> {
  return (await pendingOutboxRowsQuery(db, { conversationId })).rows;
}

const pendingOutboxRowsQuery = precompiled((db, v: { conversationId: string }) =>
  db
    .selectFrom('outbox')
    .selectAll()
    .where('conversation_id', '=', v.conversationId)
    .where(UNSETTLED)
    .orderBy('id')
    .limit(sql.lit(PENDING_BATCH)),
);

/** What the window policy needs for a row: when the person last wrote, and who wrote the message. */
export interface SendContext {
  last_inbound_at: number | null;
  author: string | null;
  /** When Graph last said the person cannot be messaged, if that stands (a turn's message may have cleared it). */
  unreachable_at?: number | null;
  /**
   * Since when another app holds the person's thread, as far as the gateway knows: what a reply that takes the thread
   * saw (`markThreadOurs`). Read with the row; a turn's context, handed over with the bot's rows, leaves it out.
   */
  thread_elsewhere_since?: number | null;
}

export async function sendContextOf(db: Kysely<Database>, row: OutboxRow): Promise<SendContext | undefined> {
  const { rows } = await sendContextQuery(db, { conversationId: row.conversation_id, messageId: row.message_id ?? '' });
  return rows[0];
}

const sendContextQuery = precompiled((db, v: { conversationId: string; messageId: string }) =>
  db
    .selectFrom('conversations as c')
    .leftJoin('messages as m', (join) => join.on('m.id', '=', v.messageId))
    .select(['c.last_inbound_at', 'c.unreachable_at', 'c.thread_elsewhere_since', 'm.author'])
    .where('c.id', '=', v.conversationId),
);

/** Conversations with unsent rows (queued before `queuedBefore`, if given): resumed at start-up and by sweeps. */
export async function conversationsWithPendingSends(db: Kysely<Database>, queuedBefore?: number): Promise<string[]> {
  let query = db.selectFrom('outbox').select('conversation_id').distinct().where(UNSETTLED);
  if (queuedBefore !== undefined) query = query.where('created_at', '<', queuedBefore);
  const rows = await query.execute();
  return rows.map((r) => r.conversation_id);
}

/**
 * Graph accepted the row's message (run in a transaction). `sentAt`: when it was asked to send it, a moment before
 * Facebook stamped the message, so a receipt's watermark (Facebook's stamp of the last message seen) covers it.
 */
export async function markSent(
  tx: Transaction<Database>,
  row: OutboxRow,
  sent: { externalId: string | undefined; sentAt: number; status?: ReceiptStatus },
  now: number,
) {
  const externalId = sent.externalId ?? null;
  await outboxSentQuery(tx, { id: row.id, externalId, now });
  // The echo may have linked it already, and a receipt moved it past `sent`: never go back.
  if (row.message_id)
    await messageSentQuery(tx, {
      id: row.message_id,
      externalId,
      sentAt: sent.sentAt,
      status: sent.status ?? 'sent',
      now,
    });
}

/** A receipt that came while its send was being recorded: the message moves on to its status, never back. */
export async function markReceipt(
  tx: Transaction<Database>,
  receipt: { messageId: string; status: ReceiptStatus },
  now: number,
) {
  await tx
    .updateTable('messages')
    .set({ status: receipt.status, updated_at: now })
    .where('id', '=', receipt.messageId)
    .where('status', 'in', statusesBefore(receipt.status))
    .execute();
}

const outboxSentQuery = precompiled((db, v: { id: string; externalId: string | null; now: number }) =>
  db
    .updateTable('outbox')
    .set((eb) => ({ status: 'sent', attempts: eb('attempts', '+', 1), external_id: v.externalId, updated_at: v.now }))
    .where('id', '=', v.id),
);

const messageSentQuery = precompiled(
  (db, v: { id: string; externalId: string | null; sentAt: number; status: string; now: number }) =>
    db
      .updateTable('messages')
      .set((eb) => ({
        // Cancelled by a take-over while Graph had it already: it was sent all the same. Its receipt may have come first.
        status: eb
          .case()
          .when('status', 'in', ['pending', 'cancelled'])
          .then(eb.val(v.status))
          .else(eb.ref('status'))
          .end(),
        external_id: eb.fn.coalesce('external_id', eb.val(v.externalId)),
        sent_at: eb.fn.coalesce('sent_at', eb.val(v.sentAt)),
        updated_at: v.now,
      }))
      .where('id', '=', v.id),
);

/**
 * Queues the row for another attempt, `attempts` made so far. Like `markUnsent`, it changes only a row still pending:
 * an echo that arrived while the failed call ran proved Graph accepted it after all, and marked it sent (see
 * `linkEcho`). The count is written whole: attempts whose retry could not be written count too.
 */
export async function markRetry(
  db: Kysely<Database> | Transaction<Database>,
  id: string,
  attempts: number,
  nextAttemptAt: number,
  error: SendErrorFields,
  now: number,
) {
  await db
    .updateTable('outbox')
    .set({
      status: 'pending',
      attempts,
      next_attempt_at: nextAttemptAt,
      ...errorColumns(error),
      updated_at: now,
    })
    .where('id', '=', id)
    .where(UNSETTLED)
    .execute();
}

/** The row is still to be sent: nothing (its echo, a send before a restart) settled it since it was read. */
export async function isPending(db: Kysely<Database>, id: string): Promise<boolean> {
  const row = await db.selectFrom('outbox').select('id').where('id', '=', id).where(UNSETTLED).executeTakeFirst();
  return row !== undefined;
}

/**
 * Settles a row that will not be sent (run in a transaction): `failed` (Graph refused), `blocked` (policy),
 * `dead` (retries exhausted), with the `attempts` made in all (as in `markRetry`).
 * A row no longer pending is left as it is: its echo settled it as sent.
 */
export async function markUnsent(
  tx: Transaction<Database>,
  row: OutboxRow,
  outcome: { status: 'failed' | 'blocked' | 'dead'; attempts: number },
  error: SendErrorFields,
  now: number,
) {
  const { status } = outcome;
  const [settled] = await tx
    .updateTable('outbox')
    .set({ status, attempts: outcome.attempts, ...errorColumns(error), updated_at: now })
    .where('id', '=', row.id)
    .where(UNSETTLED)
    .execute();
  if (!row.message_id || settled?.numUpdatedRows === 0n) return;
  const reason = error.code
    ? `${error.message} (code ${error.code}${error.subcode ? `/${error.subcode}` : ''})`
    : error.message;
  await tx
    .updateTable('messages')
    .set({ status: status === 'blocked' ? 'blocked' : 'failed', error: storableText(reason), updated_at: now })
    .where('id', '=', row.message_id)
    .execute();
}

export interface SendErrorFields {
  code?: number;
  subcode?: number;
  message: string;
}

function errorColumns(e: SendErrorFields) {
  const error_message = storableText(e.message.slice(0, 1000));
  return { error_code: e.code ?? null, error_subcode: e.subcode ?? null, error_message };
}

/**
 * Cancels what the bot queued in the conversation and has not sent (its messages, typing indicators, seen marks), when
 * people take it over: a bot reply to an earlier message must not arrive after an agent's. Its dead letters too, which
 * a replay would send. Agents' rows stay. Returns how many messages it cancelled (typing indicators and seen marks are
 * not counted).
 */
export async function cancelBotSends(tx: Transaction<Database>, conversationId: string, now: number): Promise<number> {
  const cancelled = await tx
    .updateTable('outbox')
    .set({ status: 'cancelled', updated_at: now })
    .where('conversation_id', '=', conversationId)
    .where('status', 'in', ['pending', 'dead'])
    .where((eb) =>
      eb.or([
        eb('message_id', 'is', null),
        eb(
          'message_id',
          'in',
          eb
            .selectFrom('messages')
            .select('id')
            .where('conversation_id', '=', conversationId)
            .where('author', '=', 'bot'),
        ),
      ]),
    )
    .returning('message_id')
    .execute();
  const messageIds = cancelled.flatMap((r) => (r.message_id ? [r.message_id] : []));
  if (messageIds.length > 0)
    await tx
      .updateTable('messages')
      .set({ status: 'cancelled', updated_at: now })
      .where('id', 'in', messageIds)
      .execute();
  return messageIds.length;
}

/** Graph said the person cannot be messaged, to a call made `at` (run in a transaction with the send's failure). */
export async function markUnreachable(tx: Transaction<Database>, conversationId: string, at: number) {
  await tx.updateTable('conversations').set({ unreachable_at: at }).where('id', '=', conversationId).execute();
}

/**
 * `thread_elsewhere_since` once the page's app took the person's thread back, having read `seen`: cleared, unless another
 * app took it since (its take handled while Graph answered ours): that take stands.
 */
export const threadElsewhereAfterTake = (seen: number) =>
  sql<number | null>`case when thread_elsewhere_since <= ${seen} then null else thread_elsewhere_since end`;

/**
 * A team member's message took the person's thread back from the app that had it: the page's app holds it again
 * (`threadElsewhereAfterTake`), as after the inbox's give-back. `seen` null: the message knew of no other app, so there
 * is no take of theirs to clear.
 */
export async function markThreadOurs(db: Kysely<Database>, conversationId: string, seen: number | null) {
  if (seen === null) return;
  await db
    .updateTable('conversations')
    .set({ thread_elsewhere_since: threadElsewhereAfterTake(seen) })
    .where('id', '=', conversationId)
    .execute();
}

/**
 * Messages that failed for good, queued since `since`: counted per page and error, for the pages' health. Typing
 * indicators and seen marks are left out: one Graph could not take is dropped, not retried, and harms nobody.
 */
export function sendFailuresSince(db: Kysely<Database>, since: number) {
  return db
    .selectFrom('outbox')
    .select(['page_id', 'status', 'error_code', 'error_subcode', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('kind', '=', 'message')
    .where('status', 'in', ['failed', 'blocked', 'dead'])
    .where('id', '>=', idFloor(since))
    .groupBy(['page_id', 'status', 'error_code', 'error_subcode'])
    .execute();
}

/**
 * The newest rows whose retries ran out (for the API and `switchboard replay`), each with its message's short text
 * (`text`, null for a sender action or an attachment).
 */
export function listDeadOutbox(db: Kysely<Database>, limit = 100) {
  return db
    .selectFrom('outbox')
    .leftJoin('messages', 'messages.id', 'outbox.message_id')
    .selectAll('outbox')
    .select('messages.text')
    .where('outbox.status', '=', 'dead')
    .orderBy('outbox.id', 'desc')
    .limit(limit)
    .execute();
}
