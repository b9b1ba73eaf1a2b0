import { Client } from 'undici';
import { ADMIN } from './gateway-harness.ts';

export interface StreamEvent {
  event: string;
  data: unknown;
}

export interface OpenStream {
  status: number;
  contentType: string | undefined;
  /** Every event heard so far, in order. */
  events: StreamEvent[];
  /** Resolves with the first event heard, from the start, that matches; rejects after `timeoutMs`. */
  next(matches: (event: StreamEvent, index: number) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  /** Resolves once the stream ended: `true` when the server ended it, `false` when it was cut or closed here. */
  ended: Promise<boolean>;
  close(): void;
}

export const adminAuthorization = `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`;

/** Opens a gateway's `/api/stream` and reads its server-sent events, kept in order as they come. */
export async function openStream(baseUrl: string, authorization = adminAuthorization): Promise<OpenStream> {
  // A client of its own, destroyed on close: nothing of the stream's connection is left for the server's close to wait on.
  const client = new Client(baseUrl);
  const response = await client.request({ method: 'GET', path: '/api/stream', headers: { authorization } });
  const events: StreamEvent[] = [];
  const waiters = new Set<() => void>();
  let done = false;
  const ended = (async () => {
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += chunk.toString();
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map(
            block.split('\n').map((line) => [line.split(':', 1)[0], line.slice(line.indexOf(':') + 1).trim()]),
          );
          if (fields.has('event'))
            events.push({ event: fields.get('event') as string, data: JSON.parse(fields.get('data') ?? 'null') });
          for (const wake of waiters) wake();
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Cut by the server, or closed by the test.
      return false;
    } finally {
      done = true;
      for (const wake of waiters) wake();
    }
    return true;
  })();
  return {
    status: response.statusCode,
    contentType: response.headers['content-type'] as string | undefined,
    events,
    ended,
    next(matches, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const look = () => {
          const found = events.find(matches);
          if (found) finish(() => resolve(found));
          else if (done) finish(() => reject(new Error(`the stream ended; heard ${JSON.stringify(events)}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no such event in ${timeoutMs} ms; heard ${JSON.stringify(events)}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(look);
          settle();
        };
        waiters.add(look);
        look();
      });
    },
    close: () => void client.destroy().catch(() => {}),
  };
}

/** A `changed` event that names this conversation. */
export const changedFor = (conversationId: string) => (e: StreamEvent) =>
  e.event === 'changed' && (e.data as { conversations: string[] }).conversations.includes(conversationId);
