import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** One `messaging[]` item as the baselines read it. */
export interface BaselineEvent {
  sender?: { id?: string };
  message?: { mid?: string; text?: string; is_echo?: boolean };
}

export interface BaselineOptions {
  /** Runs before the 200; a rejection answers 500 (Facebook would redeliver). */
  onEvents(events: BaselineEvent[]): Promise<void> | void;
}

/**
 * The bare `node:http` webhook the baselines share: `X-Hub-Signature-256` checked over the raw bytes in
 * constant time, JSON parsed, `onEvents` awaited, then 200. Listens on 127.0.0.1:$PORT; the app secret is
 * `BENCH_APP_SECRET`. `GET /healthz` answers 200 so the bench knows it is up.
 */
export function startBaselineServer(options: BaselineOptions): void {
  const secret = process.env.BENCH_APP_SECRET ?? '';
  const port = Number(process.env.PORT);
  if (!secret || !Number.isInteger(port)) throw new Error('baseline: set BENCH_APP_SECRET and PORT');

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    if (req.method === 'GET' && req.url === '/healthz') return end(res, 200, 'ok');
    if (req.method !== 'POST' || req.url !== '/webhooks/messenger') return end(res, 404, 'not found');
    if (!signatureOk(req.headers['x-hub-signature-256'], raw, secret)) return end(res, 401, 'bad signature');
    let body: { entry?: { messaging?: BaselineEvent[] }[] };
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return end(res, 400, 'bad json');
    }
    try {
      await options.onEvents((body.entry ?? []).flatMap((e) => e.messaging ?? []));
    } catch {
      return end(res, 500, 'failed');
    }
    end(res, 200, 'EVENT_RECEIVED');
  };

  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
  });
  server.listen(port, '127.0.0.1');
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

function signatureOk(header: string | string[] | undefined, raw: Buffer, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const received = Buffer.from(header.slice(7), 'hex');
  const expected = createHmac('sha256', secret).update(raw).digest();
  return received.length === expected.length && timingSafeEqual(received, expected);
}

function end(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
