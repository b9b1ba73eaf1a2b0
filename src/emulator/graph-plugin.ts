import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyError, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { tokenFrom } from './graph-auth.ts';
import { graphBatchRoutes } from './graph-batch-routes.ts';
import { redactGraphCall } from './graph-call-log.ts';
import {
  type GraphError,
  graphError,
  graphErrorBody,
  graphErrorHeaders,
  invalidParam,
  sendGraphError,
} from './graph-errors.ts';
import { graphHandoverRoutes } from './graph-handover-routes.ts';
import { graphNodeRoutes } from './graph-node-routes.ts';
import { graphParams, recordedBody } from './graph-params.ts';
import { graphProfileRoutes } from './graph-profile-routes.ts';
import { graphSendRoutes } from './graph-send-routes.ts';
import { graphSubscriptionRoutes } from './graph-subscription-routes.ts';
import { oauthRoutes } from './oauth-routes.ts';

/** The Graph API path of a request as the caller wrote it (version kept, internal prefix dropped). */
export function displayPath(request: FastifyRequest): string {
  const path = (request.originalUrl ?? request.url).split('?')[0] ?? '/';
  return path.startsWith('/graph/') || path === '/graph' ? path.slice('/graph'.length) || '/' : path;
}

const VERSION_PREFIX = /^\/v\d+(?:\.\d+)?(?=\/|$)/;
const UNVERSIONED_ROOTS = new Set(['me', 'debug_token', 'oauth', 'dialog']);

/**
 * Fastify's `rewriteUrl`: Graph calls, with any `vNN.N` prefix or none, go to the internal
 * `/graph` prefix; everything else (control API, chat page) is left alone.
 */
export function rewriteGraphUrl(method: string | undefined, url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt);
  const version = VERSION_PREFIX.exec(path);
  if (version) return `/graph${path.slice(version[0].length) || '/'}${query}`;
  const first = path.split('/')[1] ?? '';
  if (/^\d+$/.test(first) || UNVERSIONED_ROOTS.has(first) || (path === '/' && method === 'POST'))
    return `/graph${path}${query}`;
  return url;
}

/** The JSON parser's failure, told apart from Fastify's other 4xx errors by its code. */
const INVALID_JSON = 'SB_EMULATOR_INVALID_JSON';

/**
 * The Send API answers a body that is not JSON with 1/1357046 (§4.2); other edges keep the generic 100. HTTP 400,
 * not the 500 of other code-1 errors: the request is at fault, and retrying it cannot help.
 */
const sendApiInvalidJson = () => graphError(1, 'Received Invalid JSON reply.', { subcode: 1357046, status: 400 });
const isSendApi = (request: FastifyRequest) => request.routeOptions.url?.endsWith('/:node/messages') === true;

const started = new WeakMap<FastifyRequest, number>();
/** Calls carried out whose answer is replaced by an injected error (`after` faults). */
const answerAfter = new WeakMap<FastifyRequest, GraphError>();

function parseResponse(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload === undefined || payload === null ? null : '[stream]';
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload.length > 500 ? `${payload.slice(0, 500)}…` : payload;
  }
}

/** Every Graph route group, with fault injection, the call log and Facebook's error envelope. */
export const graphPlugin: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', async (request) => {
    started.set(request, Date.now());
  });

  // Facebook accepts an empty body sent as application/json (params in the query); Fastify's parser does not.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400, code: INVALID_JSON }), undefined);
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    const path = displayPath(request);
    if (path.includes('/dialog/')) return;
    const latency = ctx.faults.latencyMs();
    if (latency > 0) await sleep(latency);
    const token = tokenFrom(request, graphParams(request));
    const pageId = token === undefined ? undefined : ctx.state.tokens.get(token)?.page_id;
    reply.headers(ctx.faults.usageHeaders(pageId));
    const fault = ctx.faults.take(path, pageId);
    if (fault?.after) answerAfter.set(request, fault.error);
    else if (fault) return sendGraphError(reply, fault.error);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const late = request.url.includes('/dialog/') ? 0 : ctx.faults.answerLatencyMs();
    if (late > 0) await sleep(late);
    const fault = answerAfter.get(request);
    if (fault) {
      answerAfter.delete(request);
      reply.code(fault.status).headers(graphErrorHeaders(fault)).type('application/json; charset=UTF-8');
      payload = JSON.stringify(graphErrorBody(fault));
    }
    const path = displayPath(request);
    const redacted = redactGraphCall(path, {
      query: request.query ?? {},
      body: recordedBody(request) ?? null,
      response: parseResponse(payload),
    });
    ctx.graphCalls.add({
      method: request.method,
      path,
      ...redacted,
      query: redacted.query as Record<string, unknown>,
      status: reply.statusCode,
      time: ctx.clock.now(),
      duration_ms: Date.now() - (started.get(request) ?? Date.now()),
    });
    return payload;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === INVALID_JSON && isSendApi(request)) return sendGraphError(reply, sendApiInvalidJson());
    if ((error.statusCode ?? 500) < 500) {
      return sendGraphError(reply, invalidParam(`Invalid request: ${error.message}`));
    }
    request.log.error({ err: error }, 'emulator graph route failed');
    return sendGraphError(reply, graphError(1, 'An unknown error has occurred.', { isTransient: true }));
  });

  await app.register(graphSendRoutes, { ctx });
  await app.register(graphProfileRoutes, { ctx });
  await app.register(graphNodeRoutes, { ctx });
  await app.register(graphHandoverRoutes, { ctx });
  await app.register(graphSubscriptionRoutes, { ctx });
  await app.register(oauthRoutes, { ctx });
  await app.register(graphBatchRoutes, { ctx });

  app.all('/*', async (request, reply) => {
    const [node = '', ...edges] = displayPath(request).replace(VERSION_PREFIX, '').split('/').filter(Boolean);
    const message =
      edges.length > 0 ? `Unknown path components: /${edges.join('/')}` : `Unsupported request to /${node}`;
    return sendGraphError(reply, graphError(2500, message, { raw: true }));
  });
};
