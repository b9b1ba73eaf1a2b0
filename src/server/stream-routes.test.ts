import pino from 'pino';
import { Client } from 'undici';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './build-app.ts';
import { type ConversationChanges, createLocalChanges } from './conversation-changes.ts';
import { streamRoutes } from './stream-routes.ts';

/** Local changes that count their subscribers. */
function countedChanges() {
  const local = createLocalChanges();
  const counted = {
    subscribers: 0,
    changes: {
      ...local,
      async subscribe(listener) {
        const unsubscribe = await local.subscribe(listener);
        counted.subscribers += 1;
        return () => {
          counted.subscribers -= 1;
          unsubscribe();
        };
      },
    } satisfies ConversationChanges,
  };
  return counted;
}

describe('the live stream', () => {
  it('answers a HEAD with its headers at once, and holds no subscription for it', async () => {
    const counted = countedChanges();
    const app = createHttpApp(pino({ level: 'silent' }));
    await app.register(streamRoutes, { changes: counted.changes });
    const client = new Client(await app.listen({ port: 0, host: '127.0.0.1' }), { headersTimeout: 2_000 });
    try {
      const head = await client.request({ method: 'HEAD', path: '/api/stream' });
      await head.body.text();
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(counted.subscribers).toBe(0);
      // The connection is free for the next request.
      const next = await client.request({ method: 'GET', path: '/nowhere' });
      await next.body.text();
      expect(next.statusCode).toBe(404);
    } finally {
      await client.destroy();
      await app.close();
    }
  });
});
