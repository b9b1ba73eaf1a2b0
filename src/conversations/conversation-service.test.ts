import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { storePendingEvent } from '../../test/support/pending-event.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import { type ConversationServiceDeps, createConversationService, type StoredEvent } from './conversation-service.ts';
import type { InboundEvent } from './inbound-event.ts';
import type { PageRuntime } from './ports.ts';

const PAGE = { id: 'page-1', app_id: 'app-1' } as PageRuntime;

for (const kind of DATABASES) {
  describe(`conversation service on ${kind}: echoes stored before a restart`, () => {
    const open = useMigratedDatabase(kind);

    it('settle the sends they prove before anything is sent, and only those of our own app', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation(PAGE.id, 'psid-1', Date.now());
      const queue = async (text: string) => {
        const [row] = await store.commitTurn(
          {
            event_id: await storePendingEvent(db),
            event_status: 'done',
            outgoing: {
              conversation_id: conversation.id,
              page_id: PAGE.id,
              recipient_id: 'psid-1',
              author: 'bot',
              steps: [{ kind: 'message', message: { text }, preview: text }],
            },
          },
          Date.now(),
        );
        return row?.id as string;
      };
      const ours = await queue('ours');
      const theirs = await queue('theirs');
      const echo = (outboxId: string, appId: string): StoredEvent => ({
        id: `e-${outboxId}`,
        received_at: Date.now(),
        event: {
          kind: 'echo',
          page_id: PAGE.id,
          user_id: 'psid-1',
          key: `m_${outboxId}`,
          mid: `m_${outboxId}`,
          app_id: appId,
          metadata: `sb:${outboxId}`,
          attachments: [],
          standby: false,
        } as unknown as InboundEvent,
      });
      const service = createConversationService({
        store,
        pages: (id) => (id === PAGE.id ? PAGE : undefined),
        clock: { now: Date.now },
        logger: pino({ level: 'silent' }),
      } as ConversationServiceDeps);

      // Another app's message that happens to carry metadata like ours proves nothing about our row.
      expect(await service.settleStoredEchoes([echo(ours, PAGE.app_id), echo(theirs, 'another-app')])).toBe(1);

      const rows = await db.selectFrom('outbox').select(['id', 'status', 'external_id']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: ours, status: 'sent', external_id: `m_${ours}` },
        { id: theirs, status: 'pending', external_id: null },
      ]);
    });
  });
}
