import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, EmulatorClient } from '../../src/emulator/index.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { DATABASES, type TestDatabase } from '../support/databases.ts';
import { APP_ID, PAGE_ID, PSID } from '../support/gateway-harness.ts';
import { startProcessTestbed, stopGatewayProcess } from '../support/gateway-process.ts';
import { sentBody } from '../support/sent-body.ts';
import { waitFor } from '../support/wait-for.ts';

const REPLY = 'echo: before the restart';

/**
 * "A message Graph accepted is never sent again, even across restarts" (docs/adr/0003), at the restart boundary: the
 * gateway's reply reaches the emulator, which accepts it and sends its echo, but the gateway is killed before it hears
 * the answer, so the row is left `pending`. Two proxies make that moment certain instead of a race: one in front of
 * Graph keeps the answer to the reply, one in front of the gateway's webhook keeps the echo until the next process
 * listens. The restarted gateway must let the echo settle the row during its grace for rows in doubt.
 */
for (const database of DATABASES) {
  describe(`restart after a send Graph accepted, on ${database}`, () => {
    let testbed: Awaited<ReturnType<typeof startProcessTestbed>>;
    let emulator: Emulator;
    let fb: EmulatorClient;
    let db: TestDatabase;
    let graph: GraphProxy;
    let webhook: WebhookProxy;
    let env: Record<string, string>;

    beforeAll(async () => {
      // The echo is held by the webhook proxy across the restart: its delivery must not time out meanwhile.
      testbed = await startProcessTestbed({ database, verifyToken: 'restart-verify', webhookTimeoutMs: 60_000 });
      ({ emulator, fb, db } = testbed);
      graph = await startGraphProxy(emulator.url as string);
      webhook = await startWebhookProxy();
      env = testbed.env(graph.url);
    });

    afterAll(async () => {
      await graph?.close();
      await webhook?.close();
      await testbed?.close();
    });

    const startGateway = () => testbed.startGateway(env);

    /** The outbox rows of the person's conversation: their text (or kind) and status. */
    async function outboxRows(): Promise<string[]> {
      const handle = openDatabase(db.url);
      try {
        const rows = await handle.db
          .selectFrom('outbox')
          .select(['kind', 'request', 'status'])
          .where('recipient_id', '=', PSID)
          .orderBy('id')
          .execute();
        return rows.map((r) => `${r.kind === 'message' ? JSON.parse(r.request).text : r.kind}:${r.status}`);
      } finally {
        await handle.close();
      }
    }

    /** Send API calls Graph accepted with this text. */
    async function accepted(text: string) {
      const calls = await fb.graphCalls({ path_contains: '/messages' });
      return calls.filter((c) => c.status === 200 && sentBody(c).message?.text === text);
    }

    /**
     * The person writes `text`; Graph accepts the bot's reply and sends its echo, which the webhook proxy holds; the
     * gateway is killed before it hears Graph's answer, leaving the reply's row pending. Deliveries then wait.
     */
    async function killedAfterGraphAccepted(text: string) {
      const reply = `echo: ${text}`;
      const kept = graph.kept.length;
      graph.keepAnswerTo((body) => body.includes(reply));
      const first = await startGateway();
      webhook.passTo(first.url, { holdingEchoes: true });
      await fb.setWebhook(APP_ID, { url: `${webhook.url}/webhooks/messenger`, verify_token: 'restart-verify' });

      await fb.sendText(PAGE_ID, PSID, text);
      // Graph accepted the reply and its echo is on its way; the gateway is still waiting for the answer: kill it.
      await waitFor(() => graph.kept.length === kept + 1 && webhook.waiting > 0, 20_000);
      expect(graph.kept.at(-1)?.status).toBe(200);
      expect(await accepted(reply)).toHaveLength(1);
      webhook.passTo(undefined); // Deliveries wait for the next process instead of failing and backing off.
      await stopGatewayProcess(first.child, 'SIGKILL');
      expect((await outboxRows()).filter((r) => r.startsWith(reply))).toEqual([`${reply}:pending`]);
    }

    /** After the restart, the person writes again: the reply in doubt was settled by its echo, and sent once. */
    async function expectSentOnce(reply: string, later: string) {
      // A later reply goes after the one in doubt (one conversation's rows in order): once Graph has it, the first one
      // was either sent again before it or settled for good.
      await fb.sendText(PAGE_ID, PSID, later);
      await waitFor(async () => (await outboxRows()).includes(`echo: ${later}:sent`), 30_000);

      expect(await accepted(reply)).toHaveLength(1);
      const replies = (await fb.conversation(PAGE_ID, PSID)).items.filter(
        (i) => i.from === 'page' && i.message?.text === reply,
      );
      expect(replies).toHaveLength(1);
      const rows = await outboxRows();
      expect(rows.filter((r) => r.startsWith(reply))).toEqual([`${reply}:sent`]);
      expect(rows.filter((r) => r.endsWith(':pending'))).toEqual([]);
    }

    it('does not send the reply again when killed after Graph accepted it and before recording it', async () => {
      await killedAfterGraphAccepted('before the restart');
      const second = await startGateway();
      webhook.passTo(second.url);
      await expectSentOnce(REPLY, 'after the restart');
      await stopGatewayProcess(second.child, 'SIGTERM');
    }, 150_000);

    it('does not send it again when Facebook delivers the held echo only after the grace for rows in doubt', async () => {
      await killedAfterGraphAccepted('held past the grace');
      const second = await startGateway();
      // Facebook retries what it could not deliver on its own schedule, and holds the page's newer events behind it:
      // nothing comes for longer than the 10 s grace.
      await new Promise((resolve) => setTimeout(resolve, 13_000));
      expect(await accepted('echo: held past the grace')).toHaveLength(1);
      webhook.passTo(second.url);
      await expectSentOnce('echo: held past the grace', 'after the late echo');
      await stopGatewayProcess(second.child, 'SIGTERM');
    }, 150_000);
  });
}

interface GraphProxy {
  url: string;
  /** The first Send API call whose body matches is carried out, and its answer kept from the gateway. */
  keepAnswerTo(matches: (body: string) => boolean): void;
  /** The answers kept: what Graph said. */
  kept: { status: number; body: string }[];
  close(): Promise<void>;
}

/** Passes the gateway's Graph calls to the emulator and their answers back, except the one it is told to keep. */
async function startGraphProxy(graphUrl: string): Promise<GraphProxy> {
  let keep: ((body: string) => boolean) | undefined;
  const kept: GraphProxy['kept'] = [];
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const answer = await relay(req, body, graphUrl);
    if (keep && (req.url ?? '').includes('/messages') && keep(body.toString('utf8'))) {
      keep = undefined;
      kept.push({ status: answer.status, body: answer.body });
      return; // Never answered: the gateway dies waiting for it.
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  return {
    url: serverUrl(server),
    keepAnswerTo: (matches) => {
      keep = matches;
    },
    kept,
    close: () => close(server),
  };
}

interface WebhookProxy {
  url: string;
  /**
   * Passes the deliveries waiting, and those to come, to the gateway at `target`, except those with an echo while
   * `holdingEchoes`. With no target, every delivery waits.
   */
  passTo(target: string | undefined, options?: { holdingEchoes?: boolean }): void;
  /** Deliveries waiting. */
  readonly waiting: number;
  close(): Promise<void>;
}

/** Passes the emulator's webhook deliveries on to the gateway, or keeps them waiting while told to. */
async function startWebhookProxy(): Promise<WebhookProxy> {
  let target: string | undefined;
  let holdingEchoes = false;
  let waiting: { echo: boolean; pass: (target: string) => void }[] = [];
  const passWaiting = () => {
    if (!target) return;
    const stay = waiting.filter((w) => holdingEchoes && w.echo);
    for (const w of waiting) if (!stay.includes(w)) w.pass(target);
    waiting = stay;
  };
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const pass = (to: string) =>
      void relay(req, body, to).then(
        (answer) => {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    waiting.push({ echo: req.method === 'POST' && hasEcho(body), pass });
    passWaiting();
  });
  return {
    url: serverUrl(server),
    passTo(to, options = {}) {
      target = to;
      holdingEchoes = options.holdingEchoes ?? false;
      passWaiting();
    },
    get waiting() {
      return waiting.length;
    },
    close: () => close(server),
  };
}

/** Makes the request again at `target` (same path, headers and bytes); its answer, read whole. */
async function relay(req: IncomingMessage, body: Buffer, target: string) {
  const hopByHop = ['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding'];
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === 'string' && !hopByHop.includes(name)) headers[name] = value;
  const method = req.method ?? 'GET';
  const answer = await fetch(new URL(req.url ?? '/', target), {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : new Uint8Array(body),
  });
  const answerHeaders: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!hopByHop.includes(name)) answerHeaders[name] = value;
  });
  return { status: answer.status, headers: answerHeaders, body: await answer.text() };
}

function hasEcho(body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      entry?: { messaging?: { message?: { is_echo?: boolean } }[] }[];
    };
    return (parsed.entry ?? []).some((e) => (e.messaging ?? []).some((m) => m.message?.is_echo === true));
  } catch {
    return false;
  }
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function serverUrl(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
