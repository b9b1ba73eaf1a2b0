import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.ts';

/** The base URL the emulator is reached at: `publicUrl` if configured, else the request's origin. */
export function originOf(ctx: EmulatorContext, request: FastifyRequest): string {
  if (ctx.options.publicUrl) return ctx.options.publicUrl.replace(/\/$/, '');
  return `${request.protocol}://${request.host}`;
}

/**
 * A stored file's URL, ending with its name as Facebook's file URLs do: the chat page (like Messenger) names a file by
 * it. `/_emulator/files/:id` alone serves the file too.
 */
export function fileUrl(origin: string, file: { id: string; filename?: string }): string {
  const name = file.filename ? `/${encodeURIComponent(file.filename)}` : '';
  return `${origin}/_emulator/files/${file.id}${name}`;
}

/** A generated avatar (initials on a colour) when a person or page has no picture. */
export function avatarUrl(origin: string, kind: 'people' | 'pages', id: string): string {
  return `${origin}/_emulator/avatars/${kind}/${id}.svg`;
}
