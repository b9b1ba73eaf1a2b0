import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, EmulatorClient } from '../../src/emulator/index.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { DATABASES, type TestDatabase } from '../support/databases.ts';
import type { EchoBot } from '../support/echo-bot.ts';
import { APP_ID, PAGE_ID, PSID } from '../support/gateway-harness.ts';
import { startProcessTestbed, stopGatewayProcess } from '../support/gateway-process.ts';
import { sentBody } from '../support/sent-body.ts';
import { waitFor } from '../support/wait-for.ts';

const REPLY = 'echo: before the crash';

for (const database of DATABASES) {
  describe(`crash recovery on ${database}`, () => {
    let testbed: Awaited<ReturnType<typeof startProcessTestbed>>;
    let emulator: Emulator;
    let fb: EmulatorClient;
    let bot: EchoBot;
    let db: TestDatabase;
    let env: Record<string, string>;

    beforeAll(async () => {
      testbed = await startProcessTestbed({ database, verifyToken: 'crash-verify', webhookTimeoutMs: 5000 });
      ({ emulator, fb, bot, db } = testbed);
      env = testbed.env();
    });

    afterAll(() => testbed?.close());

    const startGateway = () => testbed.startGateway(env);

    it('delivers the reply once after being killed with SIGKILL between the 200 and the reply', async () => {
      bot.hold();
      const first = await startGateway();
      await fb.setWebhook(APP_ID, { url: `${first.url}/webhooks/messenger`, verify_token: 'crash-verify' });
      await fb.sendText(PAGE_ID, PSID, 'before the crash');
      // Acknowledged (200 to the emulator) and being worked on (the bot holds the turn): now kill it.
      await waitFor(() => bot.turns.some((t) => t.input.text === 'before the crash'));
      const acked = (await fb.webhookDeliveries()).some(
        (d) => d.status === 200 && JSON.stringify(d).includes('before the crash'),
      );
      expect(acked).toBe(true);
      await stopGatewayProcess(first.child, 'SIGKILL');
      bot.release();

      const second = await startGateway();
      await fb.setWebhook(APP_ID, { url: `${second.url}/webhooks/messenger`, verify_token: 'crash-verify' });
      // Done when the restarted gateway has nothing left to do: no event pending, every send settled, the reply sent.
      const handle = openDatabase(db.url);
      try {
        await waitFor(async () => {
          await emulator.context.dispatcher.idle();
          const pending = await handle.db
            .selectFrom('inbound_events')
            .select('id')
            .where('status', '=', 'pending')
            .execute();
          const sends = await handle.db
            .selectFrom('outbox')
            .select(['kind', 'request', 'status'])
            .where('recipient_id', '=', PSID)
            .execute();
          const replied = sends.some(
            (r) => r.kind === 'message' && JSON.parse(r.request).text === REPLY && r.status === 'sent',
          );
          return pending.length === 0 && replied && sends.every((r) => r.status !== 'pending');
        }, 15_000);
      } finally {
        await handle.close();
      }
      const replies = (await fb.conversation(PAGE_ID, PSID)).items.filter(
        (i) => i.from === 'page' && i.message?.text === REPLY,
      );
      expect(replies).toHaveLength(1);
      const calls = (await fb.graphCalls({ path_contains: '/messages' })).filter(
        (c) => c.status === 200 && sentBody(c).message?.text === REPLY,
      );
      expect(calls).toHaveLength(1);
      await stopGatewayProcess(second.child, 'SIGTERM');
    });

    // Signals are the process's, whatever the database: once is enough.
    it.skipIf(database !== 'sqlite')(
      'finishes the turn under way and sends its reply when stopped by two signals, and exits with 0',
      async () => {
        bot.hold();
        const gateway = await startGateway();
        await fb.setWebhook(APP_ID, { url: `${gateway.url}/webhooks/messenger`, verify_token: 'crash-verify' });
        await fb.sendText(PAGE_ID, PSID, 'stopped twice');
        await waitFor(() => bot.turns.some((t) => t.input.text === 'stopped twice'));
        const exited = new Promise((resolve) =>
          gateway.child.once('exit', (code, signal) => resolve({ code, signal })),
        );
        // Ctrl-C pressed twice: the second must not kill it mid-close.
        gateway.child.kill('SIGINT');
        await new Promise((r) => setTimeout(r, 50));
        gateway.child.kill('SIGINT');
        await new Promise((r) => setTimeout(r, 200));
        bot.release();
        expect(await exited).toEqual({ code: 0, signal: null });
        const replies = (await fb.conversation(PAGE_ID, PSID)).items.filter(
          (i) => i.from === 'page' && i.message?.text === 'echo: stopped twice',
        );
        expect(replies).toHaveLength(1);
      },
    );
  });
}
