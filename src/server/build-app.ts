import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, {
  type ConnectionError,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import type { TrustProxy } from '../config/trust-proxy.ts';
import { ApiError, ERRORS, type ErrorCode, errorBody } from './errors.ts';
import { quietConnections } from './quiet-connections.ts';
import { lazyRequestLogger } from './request-logger.ts';

/** How long a closing app lets requests under way finish before it cuts its connections as they go quiet. */
const CLOSE_GRACE_MS = 5_000;

/** Facebook gives a webhook 20 s; no request of ours takes longer to send, even a batch of several MB. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The Fastify app with its error handling and request logging; route groups are registered by the caller
 * (the composition root), each as its own plugin.
 */
export function createHttpApp(
  logger: Logger,
  trustProxy: TrustProxy = false,
  { closeGraceMs = CLOSE_GRACE_MS } = {},
): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    // Believed only from the proxies the operator names: anyone can write the header. Fastify 5 ignores a number
    // (docs/Reference/Server.md, `trustProxy`), so a count of hops is given as the function proxy-addr calls per hop.
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    // Fastify's own 503 is not our error shape: requests that reach the app while it closes are refused below.
    return503OnClosing: false,
    // A whole request, headers and body, within this: a client that stops half-way holds no connection for ever.
    requestTimeout: REQUEST_TIMEOUT_MS,
    // An address that cannot be decoded (`%ff`), or with a part longer than any id, is refused before routing, and
    // before the hooks that log requests: in our shape too, and logged here. Fastify's message quotes the address back.
    frameworkErrors: (error, request, reply) => {
      const entry = { method: request.method, url: request.url.split('?')[0], status: 400, ms: 0 };
      request.log.info(entry, 'request refused');
      const message =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'a part of the address is longer than any id (over 100 characters)'
          : 'the address cannot be decoded: check its %-escapes (UTF-8)';
      (reply as FastifyReply).code(400).send(errorBody('SB_BAD_REQUEST', message));
    },
    clientErrorHandler: answerClientError(logger),
  });

  // While the app closes, requests still arriving on connections it kept open are refused (Connection: close).
  let closing = false;
  const quiet = quietConnections(app.server);
  let cut: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    closing = true;
    cut = setTimeout(quiet.cut, closeGraceMs).unref();
  });
  app.addHook('onClose', async () => clearTimeout(cut));
  // Callbacks, not async functions, as the hooks below: they run for every request, the webhook's included, and cost
  // no promise.
  app.addHook('onRequest', (_request, _reply, done) => done(closing ? new ApiError('SB_SHUTTING_DOWN') : undefined));
  // Answered while closing, a kept-alive connection ends with its answer, rather than at the grace's cut.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  // One place for request logs: 4xx at info, 5xx at error, successes at debug (the webhook path is hot).
  app.addHook('onResponse', (request, reply, done) => {
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
    done();
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).send(errorBody(error.code, error.message));
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errorBody('SB_BODY_TOO_LARGE'));
    // A form, say (`curl -d` sends one): Fastify says only "Unsupported Media Type".
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.code(415).send(errorBody('SB_UNSUPPORTED_MEDIA_TYPE'));
    if (error.statusCode && error.statusCode < 500) return answerRefusal(reply, error.statusCode, error.message);
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('SB_INTERNAL', ERRORS.SB_INTERNAL.message));
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('SB_NOT_FOUND')));
  return app;
}

/** The codes of the 4xx a plugin answers besides 400: the web inbox's files (`@fastify/static`, by `send`). */
const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = {
  404: 'SB_NOT_FOUND',
  412: 'SB_PRECONDITION_FAILED',
  416: 'SB_RANGE_NOT_SATISFIABLE',
};

/**
 * Fastify's or a plugin's 4xx in our shape, with a code whose status it is: a status with no code of its own (`send`'s
 * 403 for a path with a NUL byte) is a 400, and says so in our words, as the status' phrase would not.
 */
function answerRefusal(reply: FastifyReply, status: number, message: string) {
  const code = status === 400 ? 'SB_BAD_REQUEST' : CODE_OF_STATUS[status];
  if (code === undefined) return reply.code(400).send(errorBody('SB_BAD_REQUEST'));
  return reply.code(status).send(errorBody(code, status === 400 ? message : ERRORS[code].message));
}

/**
 * A request Node could not read (headers over its limit, bytes that are not HTTP, too slow to arrive) is answered
 * before Fastify has a request, and so before the error handler: in our shape too, as Fastify's own handler would
 * otherwise, and logged as it does (at trace: mostly a proxy's or a network's trouble).
 */
function answerClientError(logger: Logger) {
  return (error: ConnectionError, socket: Socket) => {
    // Reset: nothing to answer, and no one to answer it to.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const code: ErrorCode =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 'SB_HEADERS_TOO_LARGE'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 'SB_REQUEST_TIMEOUT'
          : 'SB_BAD_REQUEST';
    logger.trace({ err: error }, `client error ${code}`);
    if (socket.writable) {
      const { status } = ERRORS[code];
      const body = JSON.stringify(errorBody(code));
      const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8`;
      socket.write(`${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy(error);
  };
}
