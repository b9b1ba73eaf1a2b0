import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { storeFile } from './attachments.ts';
import type { EmulatorContext } from './context.ts';
import { controlError, parseBody } from './control-errors.ts';
import { MAX_ASSET_BYTES } from './multipart-body.ts';
import { expirePageTokens } from './oauth-tokens.ts';
import { avatarSvg, stickerSvg } from './pictures.ts';
import { fileUrl, originOf } from './urls.ts';

const faultsBody = z.object({
  error_rate: z.number().min(0).max(1).optional(),
  next: z
    .object({
      count: z.number().int().positive().default(1),
      code: z.number().int(),
      error_subcode: z.number().int().optional(),
      http_status: z.number().int().min(400).max(599).optional(),
      message: z.string().optional(),
      path_contains: z.string().optional(),
      headers: z.record(z.string(), z.string()).optional(),
      after: z.boolean().optional(),
    })
    .optional(),
  latency_ms: z.number().int().nonnegative().optional(),
  answer_latency_ms: z.number().int().nonnegative().optional(),
  drop_webhooks: z.number().int().nonnegative().optional(),
  usage: z
    .object({
      app: z.number().min(0).optional(),
      page: z.number().min(0).optional(),
      business: z.number().min(0).optional(),
    })
    .optional(),
  expire_token: z.string().optional(),
});

/** Recorded Graph calls and webhook attempts, fault injection, uploads, files and pictures. */
export const controlDebugRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { path_contains?: string; since_id?: string } }>('/graph-calls', async (request) => {
    const { path_contains, since_id } = request.query;
    return {
      data: ctx.graphCalls.list({
        ...(path_contains ? { path_contains } : {}),
        ...(since_id && /^\d+$/.test(since_id) ? { since_id: Number(since_id) } : {}),
      }),
    };
  });

  app.get('/webhook-deliveries', async () => ({ data: ctx.dispatcher.attempts() }));

  app.get('/faults', async () => ctx.faults.snapshot());

  app.post('/faults', async (request, reply) => {
    const body = parseBody(faultsBody, request.body, reply);
    if (!body) return reply;
    const { expire_token, ...settings } = body;
    let expired: number | undefined;
    if (expire_token !== undefined) {
      if (!ctx.state.pages.has(expire_token))
        return controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no page ${expire_token}`);
      expired = expirePageTokens(ctx, expire_token);
    }
    ctx.faults.set(settings);
    return { faults: ctx.faults.snapshot(), ...(expired === undefined ? {} : { expired_tokens: expired }) };
  });

  app.delete('/faults', async () => {
    ctx.faults.clear();
    return { faults: {} };
  });

  app.post('/uploads', async (request, reply) => {
    if (!request.isMultipart())
      return controlError(reply, 'SB_EMULATOR_INVALID_REQUEST', 'send multipart/form-data with a "file" field');
    let part: Awaited<ReturnType<typeof request.file>>;
    try {
      part = await request.file({ limits: { fileSize: MAX_ASSET_BYTES } });
    } catch (error) {
      return controlError(reply, 'SB_EMULATOR_INVALID_REQUEST', (error as Error).message);
    }
    if (part?.fieldname !== 'file')
      return controlError(reply, 'SB_EMULATOR_INVALID_REQUEST', 'the multipart field must be named "file"');
    let data: Buffer;
    try {
      data = await part.toBuffer();
    } catch (error) {
      return controlError(reply, 'SB_EMULATOR_INVALID_REQUEST', (error as Error).message);
    }
    const stored = storeFile(ctx, { data, mime: part.mimetype, filename: part.filename });
    return {
      id: stored.id,
      url: fileUrl(originOf(ctx, request), stored),
      mime: stored.mime,
      filename: stored.filename,
    };
  });

  // The name after the id is the file's own (fileUrl); the id alone finds the file.
  app.get<{ Params: { id: string } }>('/files/:id/:name', async (request, reply) => sendFile(request.params.id, reply));
  app.get<{ Params: { id: string } }>('/files/:id', async (request, reply) => sendFile(request.params.id, reply));

  function sendFile(id: string, reply: FastifyReply) {
    const file = ctx.state.files.get(id);
    if (!file) return controlError(reply, 'SB_EMULATOR_NOT_FOUND', 'no such file');
    // Shown in place only as media: an uploaded page or SVG opened here would run its scripts on this origin.
    const shown = /^(image\/(png|jpeg|gif|webp)|audio\/[\w.+-]+|video\/[\w.+-]+)$/i.test(file.mime)
      ? 'inline'
      : 'attachment';
    return reply
      .type(file.mime)
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', contentDisposition(shown, file.filename))
      .send(file.data);
  }

  app.get<{ Params: { id: string } }>('/stickers/:id', async (request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(stickerSvg(request.params.id)),
  );

  app.get<{ Params: { kind: string; file: string } }>('/avatars/:kind/:file', async (request, reply) => {
    const id = request.params.file.replace(/\.svg$/, '');
    const record = request.params.kind === 'pages' ? ctx.state.pages.get(id) : ctx.state.people.get(id);
    if (!record) return controlError(reply, 'SB_EMULATOR_NOT_FOUND', 'no such avatar');
    const name = 'name' in record ? record.name : `${record.first_name} ${record.last_name}`;
    return reply.type('image/svg+xml').header('cache-control', 'public, max-age=3600').send(avatarSvg(name, id));
  });
};

/**
 * A header holds Latin-1 only: a name beyond it (`фото.png`, `cat 🐱.png`) goes as `filename*` in UTF-8 (RFC 6266),
 * with an ASCII `filename` for older clients. Set raw, it made Node refuse the answer, and the file was lost.
 */
function contentDisposition(shown: string, name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/gu, '_').replace(/["\\]/g, '_');
  return `${shown}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
