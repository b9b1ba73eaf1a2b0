import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageSettingsInput } from '../../src/config/page-settings.ts';
import { DATABASES, type DatabaseKind } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { type Harness, PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';
import { sentBody } from '../support/sent-body.ts';

/**
 * A gateway with the echo bot for the tests of one `describe`, on an injected clock: sleeping moves it forward at once,
 * so pacing is checked without waiting for it.
 */
function pacedGateway(database: DatabaseKind, settings: PageSettingsInput): { h: Harness } {
  const gateway = {} as { h: Harness };
  let bot: EchoBot | undefined;
  let offset = 0;
  const timers = {
    now: () => Date.now() + offset,
    sleep: async (ms: number) => {
      offset += ms;
    },
  };
  beforeAll(async () => {
    bot = await startEchoBot();
    gateway.h = await startHarness({
      database,
      assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
      settings,
      timers,
    });
  });
  afterAll(async () => {
    await gateway.h?.close();
    await bot?.close();
  });
  return gateway;
}

for (const database of DATABASES) {
  describe(`pacing on ${database}`, () => {
    const gateway = pacedGateway(database, {
      typing_indicators: true,
      delay_between_messages_ms: 1500,
      response_delay: 'short',
    });

    it('sends typing, waits the response delay, then the messages in order with the delay between them', async () => {
      const { h } = gateway;
      await h.fb.sendText(PAGE_ID, PSID, 'two please');
      await h.settle();
      const calls = (await h.fb.graphCalls({ path_contains: '/messages' }))
        .map(sentBody)
        .filter((b) => b.recipient?.id === PSID)
        .map((b) => b.sender_action ?? b.message?.text);
      expect(calls).toEqual(['typing_on', 'first', 'typing_on', 'second']);

      const rows = await h.switchboard.db
        .selectFrom('outbox')
        .select(['kind', 'updated_at', 'delay_ms'])
        .where('recipient_id', '=', PSID)
        .orderBy('id')
        .execute();
      // The response delay (short: 5 to 15 s) rides on the first message, the delay between messages on the second.
      expect(rows.map((r) => [r.kind, r.delay_ms])).toEqual([
        ['typing_on', 0],
        ['message', expect.any(Number)],
        ['typing_on', 0],
        ['message', 1_500],
      ]);
      const responseDelay = rows[1]?.delay_ms as number;
      expect(responseDelay).toBeGreaterThanOrEqual(5_000);
      expect(responseDelay).toBeLessThanOrEqual(15_000);
      // Sent in that order, each after its delay on the injected clock.
      const [typing, first, typing2, second] = rows.map((r) => r.updated_at) as [number, number, number, number];
      expect(first - typing).toBeGreaterThanOrEqual(responseDelay);
      expect(typing2).toBeGreaterThanOrEqual(first);
      expect(second - typing2).toBeGreaterThanOrEqual(1_500);
    });
  });

  describe(`sends under Graph's usage reports on ${database}`, () => {
    const gateway = pacedGateway(database, {
      typing_indicators: false,
      delay_between_messages_ms: 0,
      send_rate_per_second: 10,
    });

    it('slows a page’s sends to a tenth of its rate while Graph reports its usage at 100 %', async () => {
      const { h } = gateway;
      await h.fb.setFaults({ usage: { page: 100 } });
      await h.fb.sendText(PAGE_ID, PSID, 'hello'); // its answer carries the usage
      await h.settle();
      await h.fb.sendText(PAGE_ID, PSID, 'two please');
      await h.settle();
      const rows = await h.switchboard.db
        .selectFrom('outbox')
        .select(['request', 'updated_at'])
        .where('recipient_id', '=', PSID)
        .orderBy('id')
        .execute();
      const sentAt = new Map(rows.map((r) => [JSON.parse(r.request).text as string, r.updated_at]));
      // 10 a second scaled by 0.1: one a second, where they would have gone back to back.
      expect((sentAt.get('second') as number) - (sentAt.get('first') as number)).toBeGreaterThanOrEqual(950);
    });
  });
}
