import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorClient, type Emulator, startEmulator } from '../../src/emulator/index.ts';
import { createGraphClient, type GraphClient } from '../../src/messenger/graph/graph-client.ts';

const APP_ID = '1517776481860111';
const PAGE_ID = '104857392018475';
const TOKEN = 'EAATsendbatchestoken';
const PEOPLE = ['700000000000101', '700000000000102', '700000000000103'];

describe('replies sent together go to Graph in one batch request (through the emulator)', () => {
  let emulator: Emulator;
  let graph: GraphClient;
  let fb: ReturnType<typeof createEmulatorClient>;

  beforeAll(async () => {
    emulator = await startEmulator({
      seed: {
        apps: [{ id: APP_ID, name: 'App', secret: 'batches-secret' }],
        pages: [{ id: PAGE_ID, name: 'Shop', access_token: TOKEN, subscribe_app: false }],
        people: PEOPLE.map((psid, i) => ({ first_name: `Person${i}`, psids: { [PAGE_ID]: psid } })),
      },
    });
    fb = createEmulatorClient(emulator.url as string);
    graph = createGraphClient({
      baseUrl: emulator.url as string,
      version: 'v25.0',
      appSecret: 'batches-secret',
      batchSends: true,
    });
    for (const psid of PEOPLE) await fb.sendText(PAGE_ID, psid, 'hello');
  });
  afterAll(async () => {
    await graph?.close();
    await emulator?.close();
  });

  const reply = (psid: string, text: string) =>
    graph.send(TOKEN, { recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text } });

  it('delivers each reply, with its own message id, from one call', async () => {
    const outcomes = await Promise.all(PEOPLE.map((psid, i) => reply(psid, `answer ${i} & more`)));
    expect(outcomes).toEqual(
      PEOPLE.map((psid) => ({ status: 'sent', recipient_id: psid, message_id: expect.any(String) })),
    );
    expect(new Set(outcomes.map((o) => (o.status === 'sent' ? o.message_id : undefined))).size).toBe(3);
    const batches = (await fb.graphCalls({})).filter((c) => c.method === 'POST' && /^\/v25\.0\/?$/.test(c.path));
    expect(batches).toHaveLength(1);
    expect(JSON.stringify(batches)).not.toContain(TOKEN);
    for (const [i, psid] of PEOPLE.entries()) {
      const { items } = await fb.conversation(PAGE_ID, psid);
      expect(items.filter((item) => item.from === 'page').map((item) => item.message?.text)).toEqual([
        `answer ${i} & more`,
      ]);
    }
  });

  it("gives each reply Graph's own answer: one refused, the others delivered", async () => {
    await fb.block(PAGE_ID, PEOPLE[1] as string, true);
    const outcomes = await Promise.all(PEOPLE.map((psid) => reply(psid, 'second round')));
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'failed', 'sent']);
    expect(outcomes[1]).toMatchObject({ kind: 'recipient', error: { code: 551 } });
    await fb.block(PAGE_ID, PEOPLE[1] as string, false);
  });

  it('answers retry for the one reply Graph fails for the moment, and sent for the others', async () => {
    await fb.setFaults({ next: { count: 1, code: 2, path_contains: '/messages' } });
    const outcomes = await Promise.all(PEOPLE.map((psid) => reply(psid, 'third round')));
    expect(outcomes.map((o) => o.status)).toEqual(['retry', 'sent', 'sent']);
  });
});
