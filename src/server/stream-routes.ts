import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ChangeNotice, ConversationChanges } from './conversation-changes.ts';
import { ApiError } from './errors.ts';

export interface StreamRoutesDeps {
  changes: ConversationChanges;
  /** How often a comment keeps the stream alive through proxies, and shows the client it still is. */
  heartbeatMs?: number;
  /**
   * Hears of each user the sign-in forgets (removed, given another role or password): their streams are ended, and
   * the inbox connects again with its credentials, if they still work.
   */
  onForget?: (listener: (userId: string) => void) => void;
  /**
   * Asked at each heartbeat: a user removed, or given another role or password, through another process loses the
   * stream.
   */
  stillSignedIn?: (request: FastifyRequest) => Promise<boolean>;
}

const HEARTBEAT_MS = 15_000;
const EVENT_STREAM = 'text/event-stream; charset=utf-8';
/**
 * What a stream may hold unsent before it is cut: a client that stopped reading (a frozen tab) would otherwise make
 * the server buffer every change for it. It reconnects, and reads everything again at `ready`.
 */
const MAX_UNSENT_BYTES = 64 * 1024;

/**
 * `GET /api/stream`: the inbox's live stream (server-sent events; docs/inbox.md). `ready` once subscribed, then
 * `changed` with the ids of conversations that changed, and `resync` when changes may have been missed. It carries
 * no data: the inbox reads what changed through the API. Authenticated like the rest of `/api`, by the caller.
 */
export const streamRoutes: FastifyPluginAsync<StreamRoutesDeps> = async (app, deps) => {
  /** Each open stream, and the user it was opened for. */
  const open = new Map<ServerResponse, string | undefined>();
  let closing = false;
  deps.onForget?.((userId) => {
    for (const [response, user] of open) if (user === userId) response.end();
  });
  // A stream never ends by itself: the app's close would wait for it.
  app.addHook('preClose', async () => {
    closing = true;
    for (const response of open.keys()) response.end();
  });

  app.get('/api/stream', async (request, reply) => {
    // Fastify answers HEAD with this handler too. A HEAD's answer has no body: Node would never send the headers of a
    // stream, and the subscription would last until the client gave up. The headers alone, as the stream's would be.
    if (request.method === 'HEAD') return reply.type(EVENT_STREAM).header('cache-control', 'no-store').send();
    const response = reply.raw;
    const write = (text: string) => {
      if (response.writableLength > MAX_UNSENT_BYTES) response.destroy();
      else response.write(text);
    };
    const send = (notice: ChangeNotice) => {
      const data = notice.type === 'changed' ? { conversations: notice.conversations } : {};
      write(`event: ${notice.type}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const unsubscribe = await deps.changes.subscribe(send).catch((err) => {
      request.log.warn({ err }, 'could not subscribe a live stream to the changes');
      reply.header('retry-after', '5');
      throw new ApiError('SB_STREAM_UNAVAILABLE');
    });
    // Asked for while the close began: the close would not end it.
    if (closing) {
      unsubscribe();
      throw new ApiError('SB_SHUTTING_DOWN');
    }
    reply.hijack();
    // Gone while it waited: its close has been and will not come again.
    if (response.destroyed) return unsubscribe();
    open.set(response, request.user?.id);
    response.writeHead(200, {
      'content-type': EVENT_STREAM,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies that buffer answers (nginx) would hold the events back.
      'x-accel-buffering': 'no',
    });
    response.write('event: ready\ndata: {}\n\n');
    const heartbeat = setInterval(async () => {
      write(': ping\n\n');
      if (deps.stillSignedIn && !(await deps.stillSignedIn(request))) response.end();
    }, deps.heartbeatMs ?? HEARTBEAT_MS);
    request.raw.socket.setTimeout(0);
    response.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(response);
    });
  });
};
