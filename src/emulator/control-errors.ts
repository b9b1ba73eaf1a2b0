import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { prettifyError } from 'zod';

/** Control API error codes (style: `SB_<AREA>_<WHAT>`), each with its HTTP status. */
export const CONTROL_ERRORS = {
  SB_EMULATOR_INVALID_REQUEST: 400,
  SB_EMULATOR_NOT_FOUND: 404,
  SB_EMULATOR_CONFLICT: 409,
  SB_EMULATOR_WEBHOOK_VERIFICATION_FAILED: 400,
  SB_EMULATOR_CALLBACK_FAILED: 502,
  SB_EMULATOR_CROSS_SITE: 403,
} as const;

export type ControlErrorCode = keyof typeof CONTROL_ERRORS;

export function controlError(
  reply: FastifyReply,
  code: ControlErrorCode,
  message: string,
  status?: number,
): FastifyReply {
  return reply.code(status ?? CONTROL_ERRORS[code]).send({ error: { code, message } });
}

/** Parses a control body with zod; on failure answers 400 and returns undefined. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown, reply: FastifyReply): z.output<T> | undefined {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  controlError(reply, 'SB_EMULATOR_INVALID_REQUEST', prettifyError(parsed.error));
  return undefined;
}
