import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { useMigratedDatabase } from '../../test/support/databases.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import { createHttpApp } from './build-app.ts';
import { conversationRoutes } from './conversation-routes.ts';

describe('the conversation list API', () => {
  const open = useMigratedDatabase('sqlite');

  it('answers every conversation `ids` names, past the default page of 50', async () => {
    const { db } = await open();
    const store = createConversationStore(db, createBatchedWrites(db));
    const ids: string[] = [];
    for (let i = 0; i < 60; i++)
      ids.push((await store.openConversation('page-1', `person-${i}`, 1_000 + i)).conversation.id);
    const app = createHttpApp(pino({ level: 'silent' }));
    await app.register(conversationRoutes, { db, store, wake() {}, changed() {}, announce() {}, now: () => 2_000 });
    try {
      const answer = await app.inject({ method: 'GET', url: `/api/conversations?ids=${ids.join(',')}` });
      expect(answer.json().data).toHaveLength(60);
      const paged = await app.inject({ method: 'GET', url: `/api/conversations?ids=${ids.join(',')}&limit=10` });
      expect(paged.json().data).toHaveLength(10);
    } finally {
      await app.close();
    }
  });

  it('refuses a cursor whose time is empty or not a number, instead of answering an empty page', async () => {
    const { db } = await open();
    const store = createConversationStore(db, createBatchedWrites(db));
    const { conversation } = await store.openConversation('page-1', 'person-1', 1_000);
    const app = createHttpApp(pino({ level: 'silent' }));
    await app.register(conversationRoutes, { db, store, wake() {}, changed() {}, announce() {}, now: () => 2_000 });
    try {
      for (const before of ['', '%20', '1.5', '1e3', '0x10', '-1']) {
        const url = `/api/conversations?before=${before}&before_id=${conversation.id}`;
        const answer = await app.inject({ method: 'GET', url });
        expect([answer.statusCode, answer.json().error?.code], before).toEqual([400, 'SB_BAD_REQUEST']);
        expect(answer.json().error.message, before).toMatch(/last_message_at, in digits/);
      }
      const next = await app.inject({ method: 'GET', url: `/api/conversations?before=5000&before_id=zz` });
      expect(next.json().data.map((c: { id: string }) => c.id)).toEqual([conversation.id]);
    } finally {
      await app.close();
    }
  });
});
