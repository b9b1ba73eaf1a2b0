import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { TrustProxy } from '../config/trust-proxy.ts';
import { ApiError, ERRORS, errorBody } from './errors.ts';

/** How long a closing app waits before it cuts the connections with no request under way. */
const QUIET_GRACE_MS = 5_000;

/** The server's connections that have no request under way: a close cuts them once its grace is over. */
function quietConnections(server: Server) {
  const sockets = new Set<Socket>();
  const busy = new WeakMap<Socket, number>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const { socket } = request;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    response.once('close', () => busy.set(socket, (busy.get(socket) ?? 1) - 1));
  });
  return {
    cut() {
      for (const socket of sockets) if (!busy.get(socket)) socket.destroy();
    },
  };
}

/**
 * The Fastify app with its error handling and request logging; route groups are registered by the caller
 * (the composition root), each as its own plugin.
 */
export function createHttpApp(logger: Logger, trustProxy: TrustProxy = false): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Believed only from the proxies the operator names: anyone can write the header.
    trustProxy,
    // Fastify's own 503 is not our error shape: requests that reach the app while it closes are refused below.
    return503OnClosing: false,
  });

  // While the app closes, requests still arriving on connections it kept open are refused (Connection: close).
  let closing = false;
  const quiet = quietConnections(app.server);
  let cut: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    closing = true;
    // A client that connected and sent nothing, or not all of its headers, would hold the close until Node's own
    // timeouts, a minute or more. Requests under way are left to finish.
    cut = setTimeout(quiet.cut, QUIET_GRACE_MS).unref();
  });
  app.addHook('onClose', async () => clearTimeout(cut));
  app.addHook('onRequest', async () => {
    if (closing) throw new ApiError('SB_SHUTTING_DOWN');
  });

  // One place for request logs: 4xx at info, 5xx at error, successes at debug (the webhook path is hot).
  app.addHook('onResponse', async (request, reply) => {
    const entry = {
      method: request.method,
      url: request.routeOptions.url ?? request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    // Refused for the shutdown, a request is retried elsewhere: not a failure.
    const failed = reply.statusCode >= 500 && !(closing && reply.statusCode === 503);
    if (failed) request.log.error(entry, 'request failed');
    else if (reply.statusCode >= 400) request.log.info(entry, 'request refused');
    else request.log.debug(entry, 'request');
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).send(errorBody(error.code, error.message));
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errorBody('SB_BODY_TOO_LARGE'));
    if (error.statusCode && error.statusCode < 500)
      return reply.code(error.statusCode).send(errorBody('SB_BAD_REQUEST', error.message));
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('SB_INTERNAL', ERRORS.SB_INTERNAL.message));
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('SB_NOT_FOUND')));
  return app;
}
