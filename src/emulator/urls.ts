import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.ts';

/** The base URL the emulator is reached at: `publicUrl` if configured, else the request's origin. */
export function originOf(ctx: EmulatorContext, request: FastifyRequest): string {
  if (ctx.options.publicUrl) return ctx.options.publicUrl.replace(/\/$/, '');
  return `${request.protocol}://${request.host}`;
}

export function fileUrl(origin: string, id: string): string {
  return `${origin}/_emulator/files/${id}`;
}

/** A generated avatar (initials on a colour) when a person or page has no picture. */
export function avatarUrl(origin: string, kind: 'people' | 'pages', id: string): string {
  return `${origin}/_emulator/avatars/${kind}/${id}.svg`;
}
