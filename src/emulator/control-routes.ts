import type { FastifyPluginAsync } from 'fastify';
import { isCrossSite } from '../server/cross-site.ts';
import type { EmulatorContext } from './context.ts';
import { controlCallbackRoutes } from './control-callback-routes.ts';
import { controlConversationRoutes } from './control-conversation-routes.ts';
import { controlDebugRoutes } from './control-debug-routes.ts';
import { controlEntityRoutes } from './control-entity-routes.ts';
import { controlError } from './control-errors.ts';
import { isControlHost } from './control-host.ts';
import { controlPolicyRoutes } from './control-policy-routes.ts';
import { controlStreamRoutes } from './control-stream-routes.ts';

/** The control API under `/_emulator/` (JSON, `{error: {code, message}}` on failure). */
export const controlRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    if ((error.statusCode ?? 500) < 500)
      return controlError(reply, 'SB_EMULATOR_INVALID_REQUEST', error.message, error.statusCode);
    request.log.error({ err: error }, 'emulator control route failed');
    return reply.code(500).send({ error: { code: 'SB_EMULATOR_INTERNAL', message: 'internal error' } });
  });
  // No credentials guard it: a page of another site (a form, even to localhost) must not re-point webhooks or more,
  // nor one whose domain name an attacker turned to this machine's address (DNS rebinding), nor another machine.
  app.addHook('onRequest', async (request, reply) => {
    if (isCrossSite(request))
      return controlError(reply, 'SB_EMULATOR_CROSS_SITE', 'changes sent by a page of another site are refused');
    const known = { publicUrl: ctx.options.publicUrl, listenUrl: ctx.listenUrl };
    if (!isControlHost(request.host, request.socket.remoteAddress, known))
      return controlError(
        reply,
        'SB_EMULATOR_CROSS_SITE',
        `host ${request.host} is not this emulator's: use localhost or 127.0.0.1, or set its public URL`,
      );
  });
  await app.register(controlEntityRoutes, { ctx });
  await app.register(controlConversationRoutes, { ctx });
  await app.register(controlPolicyRoutes, { ctx });
  await app.register(controlStreamRoutes, { ctx });
  await app.register(controlDebugRoutes, { ctx });
  await app.register(controlCallbackRoutes, { ctx });
  // A catch-all here, not a not-found handler: the chat page's static wildcard would answer first.
  app.all('/*', async (request, reply) =>
    controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no route ${request.method} ${request.url}`),
  );
};
