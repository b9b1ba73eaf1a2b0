import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_PAGE_SUBSCRIBED_FIELDS } from '../src/messenger/graph/pages-api.ts';
import { parseMarker } from './events.ts';
import { APP_ID, GRAPH_VERSION } from './settings.ts';

/** Replies seen for one phase's events, indexed by event number. */
export interface ReplyTally {
  /** `performance.now()` of each event's first reply; 0 while it has none. */
  firstAt: Float64Array;
  /** Replies per event (saturates at 65 535). */
  counts: Uint16Array;
  /** Events with at least one reply. */
  distinct: number;
  /** Replies beyond the first, summed over events. */
  duplicates: number;
  /** `performance.now()` of the latest first reply. */
  lastAt: number;
}

/**
 * The Graph API as the bench needs it: `POST /v25.0/me/messages` answers `{recipient_id, message_id}` and
 * tallies the reply by the event marker its text repeats; `GET /v25.0/<psid>` answers a profile. It runs in
 * the bench process so reply times share the load generator's clock (end-to-end latency needs one clock).
 */
export interface FakeGraph {
  url: string;
  /** Starts tallying replies to the events of `phase` (0..count-1). */
  track(phase: number, count: number): ReplyTally;
  /** Replies that named no tracked event, profile reads, requests it does not serve, and batch requests with their sends. */
  readonly stats: { stray: number; profiles: number; unexpected: number; batches: number; batchedSends: number };
  close(): Promise<void>;
}

const SEND_PATH = `/${GRAPH_VERSION}/me/messages`;
const BATCH_PATH = `/${GRAPH_VERSION}/`;
const PROFILE_PATH = new RegExp(`^/${GRAPH_VERSION.replace('.', '\\.')}/(\\d+)(?:\\?|$)`);
/** The page's subscription, read at start-up: the app has every field the gateway needs. */
const SUBSCRIBED_APPS = JSON.stringify({ data: [{ id: APP_ID, subscribed_fields: DEFAULT_PAGE_SUBSCRIBED_FIELDS }] });
const RECIPIENT = /"recipient"\s*:\s*\{\s*"id"\s*:\s*"(\d+)"/;
/** A recipient in a batch's form body: `recipient={"id":"…"}`, URL-encoded. */
const FORM_RECIPIENT = /recipient=%7B%22id%22%3A%22(\d+)%22/;

export async function startFakeGraph(): Promise<FakeGraph> {
  const tallies = new Map<number, ReplyTally>();
  const stats = { stray: 0, profiles: 0, unexpected: 0, batches: 0, batchedSends: 0 };
  let messageSeq = 0;

  function tallyReply(body: string) {
    const marker = parseMarker(body);
    const tally = marker && tallies.get(marker.phase);
    if (!marker || !tally || marker.index >= tally.counts.length) {
      stats.stray++;
      return;
    }
    const i = marker.index;
    const seen = tally.counts[i] ?? 0;
    if (seen === 0) {
      tally.lastAt = tally.firstAt[i] = performance.now();
      tally.distinct++;
    } else tally.duplicates++;
    if (seen < 65_535) tally.counts[i] = seen + 1;
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = req.url ?? '';
    if (req.method === 'POST' && (url === SEND_PATH || url.startsWith(`${SEND_PATH}?`))) {
      tallyReply(body);
      const recipient = RECIPIENT.exec(body)?.[1] ?? '';
      return json(res, 200, `{"recipient_id":"${recipient}","message_id":"m_fake_${++messageSeq}"}`);
    }
    if (req.method === 'POST' && (url === BATCH_PATH || url.startsWith(`${BATCH_PATH}?`))) {
      // Graph batch requests (messenger-platform.md §9): every sub-request here is a send.
      const { batch } = JSON.parse(body) as { batch: { relative_url: string; body: string }[] };
      stats.batches++;
      stats.batchedSends += batch.length;
      const answers = batch.map((send) => {
        tallyReply(send.body);
        const recipient = FORM_RECIPIENT.exec(send.body)?.[1] ?? '';
        return `{"code":200,"body":${JSON.stringify(`{"recipient_id":"${recipient}","message_id":"m_fake_${++messageSeq}"}`)}}`;
      });
      return json(res, 200, `[${answers.join(',')}]`);
    }
    const profile = req.method === 'GET' ? PROFILE_PATH.exec(url) : null;
    if (profile) {
      stats.profiles++;
      return json(res, 200, `{"first_name":"Bench","last_name":"Person","id":"${profile[1]}"}`);
    }
    if (req.method === 'GET' && url.split('?')[0]?.endsWith('/subscribed_apps')) return json(res, 200, SUBSCRIBED_APPS);
    stats.unexpected++;
    json(
      res,
      404,
      '{"error":{"message":"not served by the bench\'s fake Graph","type":"GraphMethodException","code":100}}',
    );
  }

  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    track(phase, count) {
      const tally: ReplyTally = {
        firstAt: new Float64Array(count),
        counts: new Uint16Array(count),
        distinct: 0,
        duplicates: 0,
        lastAt: 0,
      };
      tallies.set(phase, tally);
      return tally;
    },
    stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
