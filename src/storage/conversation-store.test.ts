import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { storePendingEvent } from '../../test/support/pending-event.ts';
import type { Outgoing, TurnResult } from '../conversations/ports.ts';
import { createBatchedWrites } from './batched-writes.ts';
import { createConversationStore } from './conversation-store.ts';
import { insertMessage } from './message-writes.ts';

const NOW = Date.UTC(2026, 0, 5, 10, 0);

for (const kind of DATABASES) {
  describe(`conversation store on ${kind}: a turn's routing change`, () => {
    const open = useMigratedDatabase(kind);

    /** A conversation whose routing an agent sets behind the turn's back, as the inbox API does. */
    async function setup(routing: string) {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation('page-1', 'psid-1', NOW);
      await db
        .updateTable('conversations')
        .set({ routing, paused_until: null })
        .where('id', '=', conversation.id)
        .execute();
      const commit = async (changes: NonNullable<TurnResult['conversation']>['changes']) =>
        store.commitTurn(
          {
            event_id: await storePendingEvent(db),
            event_status: 'done',
            conversation: { id: conversation.id, changes },
          },
          NOW,
        );
      const read = () =>
        db
          .selectFrom('conversations')
          .select(['routing', 'paused_until', 'last_inbound_at'])
          .where('id', '=', conversation.id)
          .executeTakeFirstOrThrow();
      return { commit, read };
    }

    it('does not hand back to the bot a conversation an agent took over while the turn ran', async () => {
      const { commit, read } = await setup('human'); // The turn had read it paused, its pause over.
      await commit({ last_inbound_at: NOW, routing: 'bot', paused_until: null });
      expect(await read()).toEqual({ routing: 'human', paused_until: null, last_inbound_at: NOW });
    });

    it('does not pause a conversation people own, and ends an expired pause otherwise', async () => {
      const owned = await setup('human');
      await owned.commit({ routing: 'paused', paused_until: NOW + 60_000 });
      expect(await owned.read()).toMatchObject({ routing: 'human', paused_until: null });

      const paused = await setup('paused');
      await paused.commit({ routing: 'bot', paused_until: null });
      expect(await paused.read()).toMatchObject({ routing: 'bot', paused_until: null });
    });

    it('cancels what the bot queued and has not sent when a reply typed in the Page Inbox pauses it, not an agent’s reply', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      /** A conversation with a bot reply (after a typing indicator) and an agent's reply queued, then paused. */
      const pausedWith = async (psid: string, routing: string) => {
        const { conversation } = await store.openConversation('page-1', psid, NOW);
        const outgoing = { conversation_id: conversation.id, page_id: 'page-1', recipient_id: psid };
        const message = (text: string) => ({ kind: 'message' as const, message: { text }, preview: text });
        const queued: Outgoing[] = [
          { ...outgoing, author: 'bot', steps: [{ kind: 'typing', on: true }, message(`bot reply to ${psid}`)] },
          { ...outgoing, author: 'agent', steps: [message(`agent reply to ${psid}`)] },
        ];
        for (const out of queued)
          await store.commitTurn({ event_id: await storePendingEvent(db), event_status: 'done', outgoing: out }, NOW);
        await db.updateTable('conversations').set({ routing }).where('id', '=', conversation.id).execute();
        const changes = { routing: 'paused' as const, paused_until: NOW + 60_000 };
        const paused = await store.commitTurn(
          {
            event_id: await storePendingEvent(db),
            event_status: 'done',
            conversation: { id: conversation.id, changes },
          },
          NOW,
        );
        const rows = await db
          .selectFrom('outbox')
          .leftJoin('messages', 'messages.id', 'outbox.message_id')
          .select(['outbox.kind', 'outbox.status', 'messages.status as message_status'])
          .where('outbox.conversation_id', '=', conversation.id)
          .orderBy('outbox.id')
          .execute();
        return { cancelled: paused.botSendsCancelled, rows };
      };

      expect(await pausedWith('psid-1', 'bot')).toEqual({
        cancelled: true,
        rows: [
          { kind: 'typing_on', status: 'cancelled', message_status: null },
          { kind: 'message', status: 'cancelled', message_status: 'cancelled' },
          { kind: 'message', status: 'pending', message_status: 'pending' },
        ],
      });
      // People own it: the pause does not apply, and their take-over dealt with the bot's rows already.
      expect(await pausedWith('psid-2', 'human')).toEqual({
        cancelled: false,
        rows: [
          { kind: 'typing_on', status: 'pending', message_status: null },
          { kind: 'message', status: 'pending', message_status: 'pending' },
          { kind: 'message', status: 'pending', message_status: 'pending' },
        ],
      });
    });

    it('hands a conversation to people whatever its routing', async () => {
      const { commit, read } = await setup('paused');
      await commit({ routing: 'human', flagged: true, flag_reason: 'connect_to_agent: asked' });
      expect(await read()).toMatchObject({ routing: 'human' });
    });
  });

  describe(`conversation store on ${kind}: receipts`, () => {
    const open = useMigratedDatabase(kind);

    it('mark read what was sent before the read, though a delivery was recorded after the read came', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation('page-1', 'psid-1', NOW);
      // A message the page sent at NOW (a reply typed in the Page Inbox, recorded from its echo).
      const outgoing = {
        direction: 'out',
        author: 'external',
        external_id: 'm_1',
        content: {},
        status: 'sent',
      } as const;
      await store.commitTurn(
        {
          event_id: await storePendingEvent(db),
          event_status: 'done',
          incoming: outgoing,
          conversation: { id: conversation.id, changes: {} },
        },
        NOW,
      );
      // The delivery came at +1 s and the read at +1.01 s; the delivery was handled only at +5 s (a backlog).
      await store.markOutgoing(conversation.id, 'delivered', { sentBefore: NOW + 1000, ids: [] }, NOW + 5000);
      await store.markOutgoing(conversation.id, 'read', { sentBefore: NOW + 1010, ids: [] }, NOW + 5001);
      const rows = await db.selectFrom('messages').select(['status', 'sent_at']).execute();
      expect(rows).toEqual([{ status: 'read', sent_at: NOW }]);
    });
  });

  describe(`conversation store on ${kind}: an agent's reply with an Idempotency-Key`, () => {
    const open = useMigratedDatabase(kind);

    it('queues one of two requests with the same key sent at once, and calls the other repeated', async () => {
      const { db, capabilities } = await open();
      // On PostgreSQL each request gets a connection of its own, as the inbox API's do.
      const store = createConversationStore(db, createBatchedWrites(db, capabilities.concurrentWriters));
      const { conversation } = await store.openConversation('page-1', 'psid-1', NOW);
      const reply: Outgoing = {
        conversation_id: conversation.id,
        page_id: 'page-1',
        recipient_id: 'psid-1',
        author: 'agent',
        steps: [{ kind: 'message', message: { text: 'On its way' }, preview: 'On its way' }],
        client_key: 'reply-1',
      };
      const outcomes = await Promise.all([store.queueOutgoing(reply, NOW), store.queueOutgoing(reply, NOW)]);
      expect(outcomes.sort()).toEqual(['queued', 'repeated']);
      expect(await db.selectFrom('outbox').select('id').execute()).toHaveLength(1);
    });
  });

  describe(`conversation store on ${kind}: message text`, () => {
    const open = useMigratedDatabase(kind);

    it('stores a message whose text holds U+0000, without it', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation('page-1', 'psid-1', NOW);
      const content = { text: 'a\u0000b' };
      await store.commitTurn(
        {
          event_id: await storePendingEvent(db),
          event_status: 'done',
          incoming: {
            direction: 'in',
            author: 'contact',
            external_id: 'm_1',
            text: 'a\u0000b',
            content,
            status: 'received',
          },
          conversation: { id: conversation.id, changes: {} },
        },
        NOW,
      );
      const rows = await db.selectFrom('messages').select(['text', 'content']).execute();
      expect(rows.map((r) => [r.text, JSON.parse(r.content).text])).toEqual([['ab', 'a\u0000b']]);
    });

    it('flags with a reason quoting U+0000, without it', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation('page-1', 'psid-1', NOW);
      await store.commitTurn(
        {
          event_id: await storePendingEvent(db),
          event_status: 'done',
          conversation: {
            id: conversation.id,
            changes: { flagged: true, flag_reason: 'asked for a person: “a\u0000b”' },
          },
        },
        NOW,
      );
      const row = await db.selectFrom('conversations').select(['flagged', 'flag_reason']).executeTakeFirstOrThrow();
      expect(row).toEqual({ flagged: 1, flag_reason: 'asked for a person: “ab”' });
    });
  });

  describe(`conversation store on ${kind}: history for models`, () => {
    const open = useMigratedDatabase(kind);

    it('gives the last messages of the session only, oldest first', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation('page-1', 'psid-1', NOW);
      for (const [text, at] of [
        ['from an old session', NOW - 3_600_000],
        ['hello', NOW],
        ['how are you?', NOW + 1000],
        ['fine', NOW + 2000],
      ] as const) {
        const incoming = { direction: 'in', author: 'contact', text, content: {}, status: 'received' } as const;
        await store.commitTurn(
          {
            event_id: await storePendingEvent(db),
            event_status: 'done',
            incoming,
            conversation: { id: conversation.id, changes: {} },
          },
          at,
        );
      }
      const history = await store.recentHistory(conversation.id, 2, NOW);
      expect(history.map((h) => h.text)).toEqual(['how are you?', 'fine']);
      expect((await store.recentHistory(conversation.id, 10, NOW)).map((h) => h.text)).toEqual([
        'hello',
        'how are you?',
        'fine',
      ]);
    });

    it('leaves out of the history what the person never got: replies cancelled, failed or blocked', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation('page-1', 'psid-1', NOW);
      const statuses = ['sent', 'cancelled', 'failed', 'blocked', 'pending', 'throttled'];
      for (const [i, status] of statuses.entries()) {
        const direction = status === 'throttled' ? 'in' : 'out';
        const author = direction === 'in' ? 'contact' : 'bot';
        await insertMessage(db, conversation.id, { direction, author, text: status, content: {}, status }, NOW + i);
      }
      const history = await store.recentHistory(conversation.id, 10, NOW);
      expect(history.map((h) => h.text)).toEqual(['sent', 'pending', 'throttled']);
    });

    it('finds the message a reply quotes by its Messenger id, in the same conversation only', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation('page-1', 'psid-1', NOW);
      const { conversation: other } = await store.openConversation('page-1', 'psid-2', NOW);
      const message = { direction: 'out', author: 'agent', content: {}, status: 'sent' } as const;
      await insertMessage(db, conversation.id, { ...message, text: 'Size M fits', external_id: 'm_mine' }, NOW);
      await insertMessage(db, other.id, { ...message, text: 'Not hers', external_id: 'm_other' }, NOW);
      expect(await store.quotedMessage(conversation.id, 'm_mine')).toEqual({
        role: 'agent',
        text: 'Size M fits',
        at: NOW,
      });
      expect(await store.quotedMessage(conversation.id, 'm_other')).toBeUndefined();
      expect(await store.quotedMessage(conversation.id, 'm_unknown')).toBeUndefined();
    });
  });
  describe(`conversation store on ${kind}: a person Graph said cannot be reached`, () => {
    const open = useMigratedDatabase(kind);

    it('is heard again once they write, but not for a message that came before Graph said so', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation('page-1', 'psid-1', NOW);
      await db.updateTable('conversations').set({ unreachable_at: NOW }).where('id', '=', conversation.id).execute();
      const wrote = async (receivedAt: number) =>
        store.commitTurn(
          {
            event_id: await storePendingEvent(db),
            event_status: 'done',
            received_at: receivedAt,
            conversation: { id: conversation.id, changes: { last_inbound_at: receivedAt } },
          },
          NOW + 10_000,
        );
      const mark = async () =>
        (await db.selectFrom('conversations').select('unreachable_at').executeTakeFirstOrThrow()).unreachable_at;
      // Stored before Graph refused the reply to an earlier message: the turn says the mark stands, for what it hands over.
      expect(await wrote(NOW - 1000)).toMatchObject({ unreachableAt: NOW });
      expect(await mark()).toBe(NOW);
      expect(await wrote(NOW + 5000)).toMatchObject({ unreachableAt: null });
      expect(await mark()).toBeNull();
    });
  });
}
