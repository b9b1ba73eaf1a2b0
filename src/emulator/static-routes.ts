import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Messenger emulator</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>Messenger emulator</h1>
<p>The chat page is not installed (no <code>index.html</code> in the web folder). The Graph API and the control API
under <code>/_emulator/</code> work without it; see docs/emulator.md.</p></body></html>`;

/**
 * The chat page: static files of `webDir` at `/`. Written by another part of the project, so an
 * absent or half-written folder must not break the emulator; `/` then shows a placeholder.
 */
export const staticRoutes: FastifyPluginAsync<{ webDir: string }> = async (app, { webDir }) => {
  const present = existsSync(webDir);
  if (present)
    await app.register(fastifyStatic, {
      root: webDir,
      index: false,
      wildcard: true,
      cacheControl: false,
      // The `.d.ts` files beside the modules type the unit tests; the browser has no use for them.
      allowedPath: (pathName) => !pathName.endsWith('.d.ts'),
    });
  app.get('/', async (_request, reply) => {
    if (present && existsSync(join(webDir, 'index.html'))) return reply.sendFile('index.html');
    return reply.type('text/html').send(PLACEHOLDER);
  });
};
