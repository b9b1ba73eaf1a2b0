import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  body: { object: string; entry: Record<string, unknown>[] };
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  verifications: URLSearchParams[];
  /** Answers the next POSTs with these statuses (then 200). */
  failNext(...statuses: number[]): void;
  /** Never answers the next POST (queued after any `failNext`), like a bot stuck in its handler. */
  holdNext(): void;
  /** The POSTs held open, and whether the sender has since closed each. */
  held(): { raw: Buffer; closed: boolean }[];
  /** What the GET verification answers: the challenge (default), or a fixed body/status. */
  answerVerification(answer: 'challenge' | { status: number; body: string }): void;
  /** Resolves once `count` POSTs have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  /** Every messaging/standby event received, in order, with its channel. */
  events(): { channel: string; event: Record<string, unknown> }[];
  /** The event at `index` (throws if there is none yet). */
  eventAt(index: number): Record<string, unknown>;
  close(): Promise<void>;
}

/** A bot's webhook endpoint for tests: records raw bodies and headers, answers verification. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const verifications: URLSearchParams[] = [];
  const failures: (number | 'hold')[] = [];
  const held: { raw: Buffer; closed: boolean }[] = [];
  let verification: 'challenge' | { status: number; body: string } = 'challenge';
  let waiters: (() => void)[] = [];

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET') {
      verifications.push(url.searchParams);
      if (verification === 'challenge') response.end(url.searchParams.get('hub.challenge') ?? '');
      else response.writeHead(verification.status).end(verification.body);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = failures.shift() ?? 200;
      if (status === 'hold') {
        const entry = { raw: Buffer.concat(chunks), closed: false };
        held.push(entry);
        response.on('close', () => {
          entry.closed = true;
        });
        return;
      }
      if (status === 200) {
        const raw = Buffer.concat(chunks);
        received.push({ raw, headers: request.headers, body: JSON.parse(raw.toString('utf8')) });
        for (const wake of waiters) wake();
      }
      response.writeHead(status).end(status === 200 ? 'EVENT_RECEIVED' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    verifications,
    failNext: (...statuses) => failures.push(...statuses),
    holdNext: () => failures.push('hold'),
    held: () => [...held],
    answerVerification: (answer) => {
      verification = answer;
    },
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
        waiters = [];
      }
      return received.slice(0, count);
    },
    events: () => allEvents(),
    eventAt(index) {
      const found = allEvents()[index];
      if (!found) throw new Error(`no webhook event #${index}; got ${allEvents().length}`);
      return found.event;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function allEvents(): { channel: string; event: Record<string, unknown> }[] {
    return received.flatMap((hook) =>
      hook.body.entry.flatMap((entry) =>
        (['messaging', 'standby'] as const).flatMap((channel) =>
          ((entry[channel] as Record<string, unknown>[] | undefined) ?? []).map((event) => ({ channel, event })),
        ),
      ),
    );
  }
}
