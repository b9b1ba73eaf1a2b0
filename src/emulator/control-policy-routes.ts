import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from './context.ts';
import { controlError, parseBody } from './control-errors.ts';
import { enforcePolicy } from './policy-enforcement.ts';

const policyBody = z
  .object({
    action: z.enum(['warning', 'block', 'unblock']),
    /** Meta's sample reason when absent (warning, block); an unblock carries none. */
    reason: z.string().min(1).optional(),
  })
  .strict()
  .refine((body) => body.action !== 'unblock' || body.reason === undefined, {
    message: 'an unblock carries no reason',
    path: ['reason'],
  });

/** Meta's enforcement of its policies on a page: `POST /_emulator/pages/:page_id/policy-enforcement`. */
export const controlPolicyRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  app.post<{ Params: { page_id: string } }>('/pages/:page_id/policy-enforcement', async (request, reply) => {
    const page = ctx.state.pages.get(request.params.page_id);
    if (!page) return controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no page ${request.params.page_id}`);
    const body = parseBody(policyBody, request.body, reply);
    if (!body) return reply;
    const result = enforcePolicy(ctx, page, body);
    if (!result.ok) return controlError(reply, 'SB_EMULATOR_CONFLICT', result.message);
    return { ok: true, messaging_block: page.messaging_block ?? null };
  });
};
