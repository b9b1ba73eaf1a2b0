import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { InboundEvent } from '../../src/conversations/inbound-event.ts';
import { insertInboundEvents } from '../../src/storage/inbound-event-repository.ts';
import type { Database } from '../../src/storage/schema.ts';

/** Stores a pending message event, as the webhook does, for a test that commits a turn for it; returns its id. */
export async function storePendingEvent(db: Kysely<Database>): Promise<string> {
  const mid = `m_${randomUUID()}`;
  const event = {
    kind: 'message',
    page_id: 'page-1',
    user_id: 'psid-1',
    key: mid,
    mid,
    timestamp: Date.now(),
    text: 'hello',
    attachments: [],
    standby: false,
  } as unknown as InboundEvent;
  const [stored] = await insertInboundEvents(db, [event], Date.now());
  if (!stored) throw new Error('the event was taken for a redelivery');
  return stored.id;
}
