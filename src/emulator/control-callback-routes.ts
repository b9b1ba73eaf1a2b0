import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from './context.ts';
import { controlError, parseBody } from './control-errors.ts';
import { revokeGrant } from './oauth-tokens.ts';
import { postSignedRequest, signedRequest } from './signed-request.ts';

const body = z.object({ user_id: z.string().regex(/^\d+$/) });
type Params = { Params: { id: string } };

/**
 * The app's compliance callbacks (messenger-platform.md §8.7–8.8). The user id sent is the
 * account id (the emulator does not make separate app-scoped ids).
 */
export const controlCallbackRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  const issuedAt = () => Math.floor(ctx.clock.now() / 1000);

  app.post<Params>('/apps/:id/deauthorize', async (request, reply) => {
    const found = ctx.state.apps.get(request.params.id);
    if (!found) return controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no app ${request.params.id}`);
    const input = parseBody(body, request.body, reply);
    if (!input) return reply;
    const revoked = revokeGrant(ctx, found.id, input.user_id);
    if (!found.deauthorize_url) return { sent: false, revoked_tokens: revoked };
    const signed = signedRequest(
      { algorithm: 'HMAC-SHA256', issued_at: issuedAt(), user_id: input.user_id },
      found.secret,
    );
    const result = await postSignedRequest(found.deauthorize_url, signed, ctx.options.retry.timeoutMs);
    if (!result.ok) return controlError(reply, 'SB_EMULATOR_CALLBACK_FAILED', result.error);
    return { sent: true, revoked_tokens: revoked, status: result.status, body: result.body };
  });

  app.post<Params>('/apps/:id/data-deletion', async (request, reply) => {
    const found = ctx.state.apps.get(request.params.id);
    if (!found) return controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no app ${request.params.id}`);
    const input = parseBody(body, request.body, reply);
    if (!input) return reply;
    if (!found.data_deletion_url)
      return controlError(reply, 'SB_EMULATOR_CONFLICT', 'the app has no data_deletion_url');
    const now = issuedAt();
    const signed = signedRequest(
      { algorithm: 'HMAC-SHA256', issued_at: now, expires: now + 3600, user_id: input.user_id },
      found.secret,
    );
    const result = await postSignedRequest(found.data_deletion_url, signed, ctx.options.retry.timeoutMs);
    if (!result.ok) return controlError(reply, 'SB_EMULATOR_CALLBACK_FAILED', result.error);
    return { sent: true, status: result.status, body: result.body };
  });
};
