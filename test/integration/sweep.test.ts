import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/conversations/inbound-event.ts';
import { parseWebhookBody } from '../../src/messenger/webhook/parse-webhook.ts';
import { insertInboundEvents } from '../../src/storage/inbound-event-repository.ts';
import { replayDead } from '../../src/storage/replay.ts';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import {
  APP_ID,
  type Harness,
  messageBody,
  PAGE_ID,
  personPsid as person,
  startHarness,
} from '../support/gateway-harness.ts';

/** Work stored in the database that no part of the running gateway holds is picked up by its sweeps. */
for (const database of DATABASES) {
  describe(`work nothing holds, on ${database}`, () => {
    let h: Harness;
    let bot: EchoBot;

    beforeAll(async () => {
      bot = await startEchoBot();
      h = await startHarness({
        database,
        people: 2,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
        tuning: { sendMaxAttempts: 1, sweepMs: 200 },
      });
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });

    /** Polls the person's conversation until `text` came from the page (or 10 s pass). */
    async function pageSent(psid: string, text: string): Promise<number> {
      for (let waited = 0; waited < 10_000; waited += 50) {
        const items = (await h.fb.conversation(PAGE_ID, psid)).items;
        const count = items.filter((i) => i.from === 'page' && i.message?.text === text).length;
        if (count > 0) return count;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return 0;
    }

    it('handles an event stored but never handed to the workers', async () => {
      const body = messageBody('stored only', { psid: person(0) });
      const [event] = parseWebhookBody(body).events;
      await insertInboundEvents(h.switchboard.db, [event as InboundEvent], Date.now() - 1000);
      // The emulator never saw this message, so it refuses the reply (outside the window): the bot's turn shows it.
      const turns = () => bot.turns.filter((t) => t.input.text === 'stored only').length;
      for (let waited = 0; waited < 10_000 && turns() === 0; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await h.settle();
      expect(turns()).toBe(1);
      const stored = await h.switchboard.db
        .selectFrom('inbound_events')
        .select('status')
        .where('status', '=', 'pending')
        .execute();
      expect(stored).toEqual([]);
    });

    it('sends dead replies replayed beside the running gateway, as `switchboard replay` does', async () => {
      await h.fb.setFaults({ next: { count: 1, code: 1200, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, person(1), 'replayed later');
      await h.settle();
      await h.fb.clearFaults();
      const dead = await h.switchboard.db.selectFrom('outbox').select('id').where('status', '=', 'dead').execute();
      expect(dead).toHaveLength(1);
      expect(await replayDead(h.switchboard.db, { outbox: true, events: false }, Date.now())).toMatchObject({
        outbox: 1,
        events: 0,
      });
      expect(await pageSent(person(1), 'echo: replayed later')).toBe(1);
      await h.settle();
      expect(await pageSent(person(1), 'echo: replayed later')).toBe(1);
    });

    it('goes on handling new events after a replay whose resume failed', async () => {
      const { db } = h.switchboard;
      const sent = await db
        .selectFrom('outbox')
        .select(['id', 'recipient_id'])
        .where('status', '=', 'sent')
        .where('message_id', 'is not', null)
        .executeTakeFirstOrThrow();
      // The messages cannot be written for a moment. An echo stored and not handled yet, which the replay's resume
      // settles first, fails then: the resume fails after it held new events back. (No sweep hands the echo over
      // before: it looks only at events stored over 200 ms ago.)
      const rename = (from: string, to: string) => sql`alter table ${sql.table(from)} rename to ${sql.table(to)}`;
      await rename('messages', 'messages_away').execute(db);
      const echo: InboundEvent = {
        kind: 'echo',
        mid: 'm_echo_of_a_failed_resume',
        attachments: [],
        app_id: APP_ID,
        metadata: `sb:${sent.id}`,
        key: 'm:m_echo_of_a_failed_resume',
        page_id: PAGE_ID,
        user_id: sent.recipient_id,
        timestamp: Date.now(),
        standby: false,
      };
      await insertInboundEvents(db, [echo], Date.now());
      const replay = await h.api('POST', '/api/dead-letters/replay');
      await rename('messages_away', 'messages').execute(db);
      expect(replay.status).toBe(500);
      await h.fb.sendText(PAGE_ID, person(0), 'after a failed resume');
      expect(await pageSent(person(0), 'echo: after a failed resume')).toBe(1);
      await h.settle();
    });
  });
}
