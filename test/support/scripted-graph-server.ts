import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import {
  createGraphClient,
  type GraphClient,
  type GraphClientOptions,
} from '../../src/messenger/graph/graph-client.ts';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, parsed against the server's origin. */
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

/** A scripted answer: a status with a JSON or raw body and headers, optionally late; or a socket reset. */
export type ScriptedReply =
  | { status?: number; json?: unknown; body?: string; headers?: Record<string, string>; delayMs?: number }
  | { reset: true };

export interface ScriptedGraphServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Queues answers, used in order; when the queue is empty the server answers 500 with a Graph error. */
  reply(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

/**
 * A small HTTP server on 127.0.0.1:0 that records requests and answers from a script, for testing the
 * Graph client over real HTTP (test support; not used by the product).
 */
export async function startScriptedGraphServer(): Promise<ScriptedGraphServer> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedReply[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body,
      };
      try {
        recorded.json = JSON.parse(body);
      } catch {
        // Not JSON (or empty): only `body` is kept.
      }
      requests.push(recorded);
      const reply = queue.shift() ?? { status: 500, json: { error: { message: 'no scripted reply', code: 1 } } };
      if ('reset' in reply) {
        req.socket.destroy();
        return;
      }
      const answer = () => {
        const text = reply.body ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(text);
      };
      if (!reply.delayMs) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer();
      }, reply.delayMs);
      timers.add(timer);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => queue.push(...replies),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A scripted Graph server and a client pointed at it, fresh for every test of the calling file
 * (registers `beforeEach`/`afterEach`); read `graph.server` and `graph.client` inside tests.
 */
export function useScriptedGraph(options: Omit<GraphClientOptions, 'baseUrl' | 'version'> = {}) {
  const graph = {} as { server: ScriptedGraphServer; client: GraphClient };
  beforeEach(async () => {
    graph.server = await startScriptedGraphServer();
    graph.client = createGraphClient({ baseUrl: graph.server.baseUrl, version: 'v25.0', ...options });
  });
  afterEach(async () => {
    await graph.client.close();
    await graph.server.close();
  });
  return graph;
}
