import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { createBatchedWrites } from './batched-writes.ts';
import { createConversationStore } from './conversation-store.ts';
import { LAST_TEXT_LENGTH, listConversations, markRead, UNREAD_COUNTED } from './inbox-queries.ts';
import { insertMessage } from './message-writes.ts';

const NOW = Date.UTC(2026, 0, 5, 10, 0);

for (const kind of DATABASES) {
  describe(`inbox conversation list on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('pages through conversations that share a last message time without skipping any', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      for (const person of ['a', 'b', 'c', 'd', 'e']) await store.openConversation('page-1', person, NOW);
      await db.updateTable('conversations').set({ last_message_at: NOW }).execute();

      const seen: string[] = [];
      let page = await listConversations(db, { limit: 2, now: NOW });
      while (page.length > 0) {
        seen.push(...page.map((c) => c.id));
        const last = page.at(-1) as (typeof page)[number];
        page = await listConversations(db, {
          limit: 2,
          before: { last_message_at: last.last_message_at, id: last.id },
          now: NOW,
        });
      }
      const all = await db.selectFrom('conversations').select('id').orderBy('id', 'desc').execute();
      expect(seen).toEqual(all.map((c) => c.id));
    });

    it('lists a conversation whose pause has run out as the bot’s, and filters on that', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const pausedUntil = { running: NOW + 1, 'run out': NOW, unset: null };
      for (const person of Object.keys(pausedUntil)) await store.openConversation('page-1', person, NOW);
      for (const [person, until] of Object.entries(pausedUntil)) {
        const contact = db.selectFrom('contacts').select('id').where('external_id', '=', person);
        await db
          .updateTable('conversations')
          .set({ routing: 'paused', paused_until: until })
          .where('contact_id', '=', contact)
          .execute();
      }

      const people = async (routing?: string) =>
        (await listConversations(db, { limit: 10, routing, now: NOW }))
          .map((c) => `${c.contact_external_id}: ${c.routing}`)
          .sort();
      expect(await people()).toEqual(['run out: bot', 'running: paused', 'unset: bot']);
      expect(await people('bot')).toEqual(['run out: bot', 'unset: bot']);
      expect(await people('paused')).toEqual(['running: paused']);
    });

    it('lists only the conversations named, under the other filters too', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const ids: Record<string, string> = {};
      for (const person of ['a', 'b', 'c'])
        ids[person] = (await store.openConversation('page-1', person, NOW)).conversation.id;
      await db
        .updateTable('conversations')
        .set({ flagged: 1 })
        .where('id', '=', ids.b as string)
        .execute();

      const people = async (filter: { ids: string[]; flagged?: boolean }) =>
        (await listConversations(db, { limit: 10, now: NOW, ...filter })).map((c) => c.contact_external_id).sort();
      expect(await people({ ids: [ids.a as string, ids.b as string, 'no-such-id'] })).toEqual(['a', 'b']);
      expect(await people({ ids: [ids.a as string, ids.b as string], flagged: true })).toEqual(['b']);
    });

    it('counts the person’s messages each reader has not read, up to 100, and never marks a conversation back', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation('page-1', 'psid-lena', NOW);
      const say = (direction: 'in' | 'out', at: number) =>
        insertMessage(
          db,
          conversation.id,
          { direction, author: direction === 'in' ? 'contact' : 'agent', text: 'hi', content: {}, status: 'received' },
          at,
        );
      // Ids sort by time, and never go back in a process: times ahead of every id made so far.
      const at = Date.now() + 60_000;
      const first = await say('in', at + 1);
      const second = await say('in', at + 2);
      await say('out', at + 3);
      const unread = async (id?: string, unreadFrom = 0) =>
        (await listConversations(db, { limit: 10, now: NOW, reader: id ? { id, unreadFrom } : undefined }))[0]?.unread;
      expect(await unread('ann')).toBe(2);
      expect(await unread()).toBe(0);
      await markRead(db, 'ann', conversation.id, second, at + 10);
      expect(await unread('ann')).toBe(0);
      expect(await unread('bob')).toBe(2);
      // An inbox showing an older state (a slow answer) does not mark it back.
      await markRead(db, 'ann', conversation.id, first, at + 11);
      expect(await unread('ann')).toBe(0);
      for (let i = 0; i < UNREAD_COUNTED + 5; i += 1) await say('in', at + 20 + i);
      expect(await unread('ann')).toBe(UNREAD_COUNTED);
      // A user who never opened it counts from where their counts begin: what came before is history to them.
      expect(await unread('carl', at + 20 + UNREAD_COUNTED)).toBe(5);
    });

    it('carries the start of the last message, however long, in characters', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation('page-1', 'psid-lena', NOW);
      const text = `${'é🙂'.repeat(150)}${'x'.repeat(5_000)}`;
      const message = { direction: 'in', author: 'contact', text, content: {}, status: 'received' } as const;
      await insertMessage(db, conversation.id, message, Date.now() + 60_000);
      const [row] = await listConversations(db, { limit: 10, now: NOW });
      expect(row?.last_text).toBe(`${'é🙂'.repeat(100)}`);
      expect(Array.from(row?.last_text ?? '')).toHaveLength(LAST_TEXT_LENGTH);
    });

    it('finds conversations by the person’s name, any of their messages or their id, taking % and _ as they are', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const said = { 'psid-lena': 'Where is my ORDER?', 'psid-marc': '100% cotton_shirt', 'psid-quiet': undefined };
      const names = { 'psid-lena': ['Lena', 'Okafor'], 'psid-marc': ['Marc', 'Dubois'], 'psid-quiet': ['Émile', null] };
      for (const [person, text] of Object.entries(said)) {
        const { conversation } = await store.openConversation('page-1', person, NOW);
        const [first_name, last_name] = names[person as keyof typeof names];
        await db.updateTable('contacts').set({ first_name, last_name }).where('external_id', '=', person).execute();
        if (!text) continue;
        const step = { kind: 'message' as const, message: { text }, preview: text };
        const outgoing = { conversation_id: conversation.id, page_id: 'page-1', recipient_id: person, author: 'agent' };
        await store.queueOutgoing({ ...outgoing, steps: [step] } as Parameters<typeof store.queueOutgoing>[0], NOW);
        await store.queueOutgoing(
          { ...outgoing, steps: [{ ...step, message: { text: 'later' }, preview: 'later' }] } as Parameters<
            typeof store.queueOutgoing
          >[0],
          NOW + 1,
        );
      }
      const found = async (search: string) =>
        (await listConversations(db, { limit: 10, now: NOW, search })).map((c) => c.contact_external_id).sort();
      expect(await found('order')).toEqual(['psid-lena']);
      expect(await found('OKAFOR')).toEqual(['psid-lena']);
      expect(await found('lena oka')).toEqual(['psid-lena']);
      expect(await found('%')).toEqual(['psid-marc']);
      // Taken as a wildcard, _ would find "my order".
      expect(await found('my_order')).toEqual([]);
      expect(await found('n_s')).toEqual(['psid-marc']);
      expect(await found('psid-quiet')).toEqual(['psid-quiet']);
      expect(await found('d-qui')).toEqual(['psid-quiet']);
      // Letters beyond A to Z: as typed at least, on both databases.
      expect(await found('Émile')).toEqual(['psid-quiet']);
      expect(await found('nobody')).toEqual([]);
    });
  });
}
