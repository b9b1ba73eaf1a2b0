import type { Kysely, Transaction } from 'kysely';
import type { NewMessage, Outgoing } from '../conversations/ports.ts';
import { newId } from './ids.ts';
import type { OutboxRow } from './outbox-repository.ts';
import { precompiled } from './precompiled.ts';
import type { Database, MessagesTable, OutboxTable } from './schema.ts';
import { storableText } from './storable-text.ts';

type Db = Kysely<Database> | Transaction<Database>;

const insertMessageQuery = precompiled((db, v: Omit<MessagesTable, 'error' | 'reaction' | 'edited_at'>) =>
  db
    .insertInto('messages')
    .values({ ...v, error: null })
    .onConflict((oc) => oc.column('external_id').doNothing())
    .returning('id'),
);

/** Stores a message, or finds the one stored with its Graph id already (an echo seen twice); answers its id. */
export async function insertMessage(db: Db, conversationId: string, m: NewMessage, now: number): Promise<string> {
  const { rows } = await insertMessageQuery(db, {
    id: newId(now),
    conversation_id: conversationId,
    direction: m.direction,
    author: m.author,
    external_id: m.external_id ?? null,
    text: m.text === undefined ? null : storableText(m.text),
    content: JSON.stringify(m.content),
    status: m.status,
    // Messages recorded as sent already: those typed in the Page Inbox, seen through their echoes.
    sent_at: m.status === 'sent' ? (m.sent_at ?? now) : null,
    client_key: m.client_key ?? null,
    sender_id: m.sender_id ?? null,
    created_at: now,
    updated_at: now,
  });
  const inserted = rows[0];
  if (inserted) return inserted.id;
  const existing = await db
    .selectFrom('messages')
    .select('id')
    .where('external_id', '=', m.external_id as string)
    .executeTakeFirstOrThrow();
  return existing.id;
}

const insertOutboxQuery = precompiled((db, v: OutboxTable) => db.insertInto('outbox').values(v));

/** Each step becomes an outbox row (and each message a message row) before anything is sent; returns the rows. */
export async function queueOutgoing(tx: Transaction<Database>, out: Outgoing, now: number): Promise<OutboxRow[]> {
  const rows: OutboxRow[] = [];
  let delay = 0;
  for (const step of out.steps) {
    if (step.kind === 'wait') {
      delay += step.ms;
      continue;
    }
    const outboxId = newId(now);
    let messageId: string | null = null;
    if (step.kind === 'message') {
      // The sender's key goes on its first message, the one a repeated request would send again.
      const client_key = rows.some((r) => r.message_id !== null) ? undefined : out.client_key;
      messageId = await insertMessage(
        tx,
        out.conversation_id,
        {
          direction: 'out',
          author: out.author,
          text: step.preview,
          content: step.message,
          status: 'pending',
          client_key,
          sender_id: out.sender_id,
        },
        now,
      );
    }
    const kind =
      step.kind === 'message' ? 'message' : step.kind === 'seen' ? 'mark_seen' : step.on ? 'typing_on' : 'typing_off';
    const row: OutboxRow = {
      id: outboxId,
      conversation_id: out.conversation_id,
      page_id: out.page_id,
      recipient_id: out.recipient_id,
      message_id: messageId,
      kind,
      request: JSON.stringify(step.kind === 'message' ? step.message : {}),
      tag: out.tag ?? null,
      status: 'pending',
      attempts: 0,
      delay_ms: delay,
      next_attempt_at: now,
      external_id: null,
      error_code: null,
      error_subcode: null,
      error_message: null,
      created_at: now,
      updated_at: now,
    };
    await insertOutboxQuery(tx, row);
    rows.push(row);
    delay = 0;
  }
  return rows;
}
