import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, beforeEach } from 'vitest';
import {
  createGraphClient,
  type GraphClient,
  type GraphClientOptions,
} from '../../src/messenger/graph/graph-client.ts';
import { type Answer, startScriptedServer } from './scripted-server.ts';

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
 * A scripted server (./scripted-server.ts) with declarative Graph answers and parsed requests, for testing the Graph
 * client over real HTTP (test support; not used by the product).
 */
export async function startScriptedGraphServer(): Promise<ScriptedGraphServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const answerWith =
    (reply: ScriptedReply): Answer =>
    (request, res) => {
      const { method, path, headers, body } = request;
      const recorded: RecordedRequest = { method, url: new URL(path || '/', 'http://127.0.0.1'), headers, body };
      try {
        recorded.json = JSON.parse(request.body);
      } catch {
        // Not JSON (or empty): only `body` is kept.
      }
      requests.push(recorded);
      if ('reset' in reply) {
        res.socket?.destroy();
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
    };

  const server = await startScriptedServer(
    answerWith({ status: 500, json: { error: { message: 'no scripted reply', code: 1 } } }),
  );
  return {
    baseUrl: server.url,
    requests,
    reply: (...replies) => server.script(...replies.map(answerWith)),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await server.close();
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
