import { fileURLToPath } from 'node:url';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import pino from 'pino';
import { verifySeededWebhooks } from './app-webhook.ts';
import { createClock } from './clock.ts';
import type { EmulatorContext } from './context.ts';
import { printableUrl } from './control-host.ts';
import { controlRoutes } from './control-routes.ts';
import { createFaultStore } from './faults.ts';
import { createGraphCallLog, redactUrl } from './graph-call-log.ts';
import { graphPlugin, rewriteGraphUrl } from './graph-plugin.ts';
import { MAX_ASSET_BYTES } from './multipart-body.ts';
import type { EmulatorOptions, ResolvedOptions } from './options.ts';
import { TYPING_TIMEOUT_MS } from './platform-constants.ts';
import { normalizeSeed } from './seed.ts';
import { createState, type EmulatorState, loadSeedIntoState } from './state.ts';
import { staticRoutes } from './static-routes.ts';
import { createWebhookDispatcher, DEFAULT_WEBHOOK_RETRY } from './webhook-dispatcher.ts';

export type { EmulatorClient } from './client.ts';
export { createEmulatorClient, EmulatorClientError } from './client.ts';
export type { EditLimits, ThreadItemView } from './edit-rules.ts';
export type { EmulatorOptions } from './options.ts';
export { PAGE_INBOX_APP_ID } from './platform-constants.ts';
export type { EmulatorSeed } from './seed.ts';
export { loadSeed } from './seed.ts';
export type { ThreadItem } from './state-types.ts';

/** A built emulator: a Fastify app (usable with `inject` before listening) and its state. */
export interface Emulator {
  app: FastifyInstance;
  state: EmulatorState;
  context: EmulatorContext;
  /** The base URL once listening. */
  url: string | undefined;
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Stops listening, ends SSE streams and the webhook dispatcher. */
  close(): Promise<void>;
}

function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    escapeUnicode: options.escapeUnicode ?? true,
    batchWindowMs: options.batchWindowMs ?? 0,
    autoDeliver: options.autoDeliver ?? true,
    verifyWebhooksOnStart: options.verifyWebhooksOnStart ?? true,
    stickerFormat: options.stickerFormat ?? 'legacy',
    policyEnforcementKey: options.policyEnforcementKey ?? 'policy-enforcement',
    rejectLongQuickReplyTitles: options.rejectLongQuickReplyTitles ?? false,
    typingTimeoutMs: options.typingTimeoutMs ?? TYPING_TIMEOUT_MS,
    retry: { ...DEFAULT_WEBHOOK_RETRY, ...options.webhookRetry },
    webDir: options.webDir ?? fileURLToPath(new URL('./web/', import.meta.url)),
  };
  if (options.publicUrl) resolved.publicUrl = options.publicUrl;
  return resolved;
}

/**
 * Builds the Messenger Platform emulator (not listening yet). Throws if the seed is invalid.
 * Seeded webhooks are verified when it starts listening (`verifyWebhooksOnStart`).
 */
export async function buildEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const seed = normalizeSeed(options.seed ?? {});
  if (!seed.ok) throw new Error(`Invalid emulator seed:\n${seed.reason}`);
  const resolved = resolveOptions(options);
  const log = options.logger || pino({ level: 'silent' });
  const clock = createClock();
  const state = createState();
  loadSeedIntoState(state, seed.seed, clock);
  const faults = createFaultStore();
  const dispatcher = createWebhookDispatcher({
    findApp: (appId) => state.apps.get(appId),
    now: clock.now,
    batchWindowMs: resolved.batchWindowMs,
    escapeUnicode: resolved.escapeUnicode,
    retry: resolved.retry,
    shouldDrop: faults.takeDrop,
    log,
  });
  const ctx: EmulatorContext = {
    state,
    seed: seed.seed,
    clock,
    dispatcher,
    faults,
    graphCalls: createGraphCallLog(),
    options: resolved,
    listenUrl: undefined,
    log,
  };

  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    rewriteUrl: (request) => rewriteGraphUrl(request.method, request.url ?? '/'),
    bodyLimit: MAX_ASSET_BYTES + 1024 * 1024,
    forceCloseConnections: true,
    // Fastify's own request log would print access tokens from query strings; see the hook below.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (request, reply) => {
    const entry = {
      method: request.method,
      url: redactUrl(request.originalUrl ?? request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (reply.statusCode >= 500) log.error(entry, 'emulator request failed');
    else if (reply.statusCode >= 400) log.info(entry, 'emulator request refused');
    else log.debug(entry, 'emulator request');
  });
  await app.register(fastifyFormbody);
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_ASSET_BYTES, files: 1 } });
  await app.register(graphPlugin, { ctx, prefix: '/graph' });
  await app.register(controlRoutes, { ctx, prefix: '/_emulator' });
  await app.register(staticRoutes, { webDir: resolved.webDir });
  app.addHook('onClose', async () => {
    await dispatcher.close();
    for (const conversation of state.conversations.values()) clearTimeout(conversation.typing_timer);
  });

  const emulator: Emulator = {
    app,
    state,
    context: ctx,
    url: undefined,
    async listen({ port = 0, host = '127.0.0.1' } = {}) {
      const address = await app.listen({ port, host });
      emulator.url = printableUrl(address, host);
      ctx.listenUrl = emulator.url;
      if (resolved.verifyWebhooksOnStart) await verifySeededWebhooks(ctx);
      return emulator.url;
    },
    close: () => app.close(),
  };
  return emulator;
}

/** Builds the emulator and listens (`port` 0 = a random free port; host default 127.0.0.1). */
export async function startEmulator(
  options: EmulatorOptions & { port?: number; host?: string } = {},
): Promise<Emulator> {
  const emulator = await buildEmulator(options);
  await emulator.listen({
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host ? { host: options.host } : {}),
  });
  return emulator;
}
