import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface InboxRoutesOptions {
  /** Folder of the web inbox. Default: `../inbox/web/` beside this module (src or dist alike). */
  webDir?: string;
  /**
   * Origins besides `https:` that pictures of the conversations may load from: the Graph API's, so that the
   * emulator's `http://` files show in the demo. Default none.
   */
  mediaOrigins?: string[];
}

const DEFAULT_WEB_DIR = fileURLToPath(new URL('../inbox/web/', import.meta.url));

/**
 * The policy of every inbox response: scripts, styles and API calls from this server only, no inline script or
 * style, no frames, no plugins. Pictures of the conversations are the only outside content. They stay under `https:`
 * because Messenger serves attachments from many CDN hosts (`scontent-*.xx.fbcdn.net`, `lookaside.fbsbx.com`, …)
 * that no fixed list keeps up with; a picture cannot run script. No `data:` (nothing of the inbox uses it), and no
 * `media-src`: videos and audio are links, so `default-src 'none'` refuses media elements.
 */
export function inboxContentSecurityPolicy(mediaOrigins: string[] = []): string {
  const images = ["'self'", 'https:', ...mediaOrigins.map((url) => new URL(url).origin)].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${images}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The web inbox: the static files of `webDir` under `/inbox/`, with a strict Content-Security-Policy. The app signs
 * in and works through the JSON API (`/api/...`); nothing here is authenticated, since the files hold no data.
 */
export const inboxRoutes: FastifyPluginAsync<InboxRoutesOptions> = async (app, options) => {
  const policy = inboxContentSecurityPolicy(options.mediaOrigins);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', policy);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    // Revalidated on each load (ETag): an upgraded gateway never serves the old modules beside new ones.
    reply.header('cache-control', 'no-cache');
  });
  await app.register(fastifyStatic, {
    root: options.webDir ?? DEFAULT_WEB_DIR,
    prefix: '/inbox/',
    index: false,
    wildcard: true,
    cacheControl: false,
    // The `.d.ts` files beside the modules type the unit tests; the browser has no use for them.
    allowedPath: (pathName) => !pathName.endsWith('.d.ts'),
  });
  app.get('/inbox/', (_request, reply) => reply.sendFile('index.html'));
  // The page's own relative URLs (./app.js) need the slash; the query (a page connection's outcome) goes along.
  app.get('/inbox', (request, reply) => {
    const query = request.url.indexOf('?');
    return reply.redirect(`/inbox/${query === -1 ? '' : request.url.slice(query)}`, 302);
  });
};
