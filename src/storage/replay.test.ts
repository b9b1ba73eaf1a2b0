import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { cancelBotSends } from './outbox-repository.ts';
import { replayDead } from './replay.ts';

/** A bot's or an agent's message Graph failed to take. */
const failedMessage = (id: string, author = 'bot') => ({
  id,
  conversation_id: 'c1',
  direction: 'out',
  author,
  external_id: null,
  text: id,
  content: '{}',
  status: 'failed',
  error: 'Graph is down',
  client_key: null,
  sent_at: null,
  created_at: 1,
  updated_at: 1,
});

/** The message's outbox row, dead after its retries. */
const deadRow = (id: string) => ({
  id,
  conversation_id: 'c1',
  page_id: 'p1',
  recipient_id: 'u1',
  message_id: id,
  kind: 'message',
  request: '{}',
  tag: null,
  delay_ms: 0,
  status: 'dead',
  attempts: 5,
  next_attempt_at: 1,
  external_id: null,
  error_code: 2,
  error_subcode: null,
  error_message: 'Graph is down',
  created_at: 1,
  updated_at: 1,
});

for (const kind of DATABASES) {
  describe(`dead-letter replay on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('sends none of the bot’s dead replies once people took the conversation over', async () => {
      const { db } = await open();
      await db
        .insertInto('messages')
        .values([failedMessage('bot-1'), failedMessage('agent-1', 'agent')])
        .execute();
      await db
        .insertInto('outbox')
        .values([deadRow('bot-1'), deadRow('agent-1')])
        .execute();
      expect(await db.transaction().execute((tx) => cancelBotSends(tx, 'c1', 2))).toBe(1);
      expect(await replayDead(db, { outbox: true, events: false }, 3)).toEqual({
        outbox: 1,
        events: 0,
        conversations: ['c1'],
      });
      const rows = await db.selectFrom('outbox').select(['id', 'status']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'agent-1', status: 'pending' },
        { id: 'bot-1', status: 'cancelled' },
      ]);
    });

    it('sends again more dead messages than one statement can bind, and sets their messages pending', async () => {
      const { db } = await open();
      // More than SQLite's 32,766 bound parameters: a long Graph outage leaves that many.
      const count = 33_000;
      const ids = Array.from({ length: count }, (_, i) => String(i).padStart(6, '0'));
      for (let i = 0; i < count; i += 1000) {
        const slice = ids.slice(i, i + 1000);
        await db
          .insertInto('messages')
          .values(slice.map((id) => failedMessage(id)))
          .execute();
        await db.insertInto('outbox').values(slice.map(deadRow)).execute();
      }
      expect(await replayDead(db, { outbox: true, events: false }, 2)).toMatchObject({ outbox: count, events: 0 });
      const statuses = await db
        .selectFrom('messages')
        .select(['status', db.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['pending', count]]);
    });
  });
}
