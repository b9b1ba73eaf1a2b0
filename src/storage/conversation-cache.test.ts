import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { storePendingEvent } from '../../test/support/pending-event.ts';
import { createBatchedWrites } from './batched-writes.ts';
import { cachedConversations } from './conversation-cache.ts';
import { createConversationStore } from './conversation-store.ts';

const PAGE = 'page-1';
const NOW = Date.UTC(2026, 0, 5, 10, 0);

for (const kind of DATABASES) {
  describe(`conversation cache on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    async function setup(max?: number) {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const cache = cachedConversations(store, max);
      /** A write the cache does not see, as another writer would make it. */
      const routeBehindItsBack = (id: string, routing: string) =>
        db.updateTable('conversations').set({ routing }).where('id', '=', id).execute();
      return { cache, routeBehindItsBack, event: () => storePendingEvent(db) };
    }

    it('serves the second read from memory until the conversation is forgotten', async () => {
      const { cache, routeBehindItsBack } = await setup();
      const { conversation } = await cache.openConversation(PAGE, 'psid-1', NOW);
      await routeBehindItsBack(conversation.id, 'human');
      expect((await cache.openConversation(PAGE, 'psid-1', NOW)).conversation.routing).toBe('bot');
      cache.forget(conversation.id);
      expect((await cache.openConversation(PAGE, 'psid-1', NOW)).conversation.routing).toBe('human');
    });

    it('keeps what a turn committed: the conversation changes, the session and the profile', async () => {
      const { cache, routeBehindItsBack, event } = await setup();
      const first = await cache.openConversation(PAGE, 'psid-1', NOW);
      const { id } = first.conversation;
      await cache.commitTurn(
        {
          event_id: await event(),
          event_status: 'done',
          conversation: { id, changes: { last_inbound_at: NOW } },
          session: {
            conversation_id: id,
            session: { id: '', context: { step: 1 }, state: {}, started_at: NOW, last_activity_at: NOW },
          },
        },
        NOW,
      );
      // A new session's id is the database's: the entry was read again, so the write behind its back shows.
      await routeBehindItsBack(id, 'paused');
      const second = await cache.openConversation(PAGE, 'psid-1', NOW);
      expect(second.conversation).toMatchObject({ routing: 'paused', last_inbound_at: NOW });
      expect(second.session).toMatchObject({ context: { step: 1 } });
      const session = { ...(second.session as NonNullable<typeof second.session>), context: { step: 2 } };
      await cache.commitTurn(
        {
          event_id: await event(),
          event_status: 'done',
          conversation: { id, changes: { routing: 'bot', last_inbound_at: NOW + 1 } },
          session: { conversation_id: id, session },
        },
        NOW,
      );
      // As the columns give it back: no undefined keys, a zero timezone kept.
      await cache.saveProfile(second.contact.id, { first_name: 'Lena', last_name: undefined, timezone: 0 }, NOW);
      await routeBehindItsBack(id, 'human');
      const third = await cache.openConversation(PAGE, 'psid-1', NOW);
      expect(third.conversation).toMatchObject({ routing: 'bot', last_inbound_at: NOW + 1 });
      expect(third.session).toMatchObject({ id: session.id, context: { step: 2 } });
      expect(third.contact).toMatchObject({ profile_status: 'fetched' });
      expect(third.contact.profile).toStrictEqual({ first_name: 'Lena', timezone: 0 });
      cache.forget(id);
      expect((await cache.openConversation(PAGE, 'psid-1', NOW)).contact.profile).toStrictEqual(third.contact.profile);
    });

    it('forgets an entry whose write failed, and hands out copies', async () => {
      const { cache, routeBehindItsBack, event } = await setup();
      const opened = await cache.openConversation(PAGE, 'psid-1', NOW);
      opened.conversation.routing = 'human'; // The caller's copy only.
      expect((await cache.openConversation(PAGE, 'psid-1', NOW)).conversation.routing).toBe('bot');
      await routeBehindItsBack(opened.conversation.id, 'paused');
      const failing = {
        event_id: await event(),
        event_status: 'done' as const,
        incoming: { direction: 'in' as const, author: 'contact' as const, content: {}, status: 'nonsense' },
        conversation: { id: opened.conversation.id, changes: {} },
        // A session row without its conversation breaks a NOT NULL column: the transaction fails.
        session: { conversation_id: null as unknown as string, session: { id: 'x' } as never },
      };
      await expect(cache.commitTurn(failing, NOW)).rejects.toThrow();
      expect((await cache.openConversation(PAGE, 'psid-1', NOW)).conversation.routing).toBe('paused');
    });

    it('keeps at most `max` people, dropping the least recently seen', async () => {
      const { cache, routeBehindItsBack } = await setup(2);
      const a = await cache.openConversation(PAGE, 'a', NOW);
      const b = await cache.openConversation(PAGE, 'b', NOW);
      await cache.openConversation(PAGE, 'a', NOW); // a is now the most recent
      await cache.openConversation(PAGE, 'c', NOW); // evicts b
      await routeBehindItsBack(a.conversation.id, 'human');
      await routeBehindItsBack(b.conversation.id, 'human');
      expect((await cache.openConversation(PAGE, 'a', NOW)).conversation.routing).toBe('bot');
      expect((await cache.openConversation(PAGE, 'b', NOW)).conversation.routing).toBe('human');
    });
  });
}
