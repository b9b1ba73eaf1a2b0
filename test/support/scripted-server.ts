import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server received it, body as the exact bytes (as text). */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers one request; may also leave it hanging (a server that never answers). */
export type Answer = (request: ReceivedRequest, response: ServerResponse) => void;

export interface ScriptedServer {
  url: string;
  /** Every request received, in order. */
  received: ReceivedRequest[];
  /** Queues answers, one per coming request; when the queue is empty, requests get 500 "unscripted". */
  script(...answers: Answer[]): void;
  /** Resolves when `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A node:http server on 127.0.0.1 and a free port, answering as each test scripts it; `unscripted` answers when the
 * queue is empty (default: 500 "unscripted request").
 */
export async function startScriptedServer(
  unscripted: Answer = json(500, { error: 'unscripted request' }),
): Promise<ScriptedServer> {
  const received: ReceivedRequest[] = [];
  const answers: Answer[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
      const answer = answers.shift() ?? unscripted;
      answer(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (...more) => answers.push(...more),
    waitForRequests: (count) =>
      received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a JSON body. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
}

/** Answers with a body sent as is. */
export function raw(status: number, body: string, contentType = 'application/json'): Answer {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': contentType });
    response.end(body);
  };
}

/** Never answers (until the server closes). */
export const hang: Answer = () => {};

/** Closes the connection without an answer: a network error for the client. */
export const dropConnection: Answer = (_request, response) => {
  response.socket?.destroy();
};
