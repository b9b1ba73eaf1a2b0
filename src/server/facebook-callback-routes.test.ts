import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { createHttpApp } from './build-app.ts';
import { facebookCallbackRoutes } from './facebook-callback-routes.ts';
import type { PageDirectory } from './page-directory.ts';

const APP = { id: '111', secret: 'app-secret' };

function signed(payload: unknown) {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${createHmac('sha256', APP.secret).update(encoded).digest('base64url')}.${encoded}`;
}

for (const kind of DATABASES) {
  describe(`a data deletion request on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('sent again after a failure, reads the pages again and reports what the first try removed', async () => {
      const { db } = await open();
      const now = Date.now();
      await db
        .insertInto('pages')
        .values({
          id: 'page-1',
          app_id: APP.id,
          name: null,
          access_token_sealed: 'sealed',
          source: 'oauth',
          assistant: null,
          settings: '{}',
          health: 'ok',
          connected_by: 'user-1',
          connected_at: now - 60_000,
          created_at: now,
          updated_at: now,
        })
        .execute();
      // The pages in memory could not be read again the first time: the request was answered 500.
      let reloads = 0;
      const directory = {
        apps: () => [APP],
        async reload() {
          if (++reloads === 1) throw new Error('database busy');
        },
      } as unknown as PageDirectory;
      const logger = pino({ level: 'silent' });
      const app = createHttpApp(logger);
      await app.register(facebookCallbackRoutes, {
        db,
        directory,
        publicUrl: 'https://gw.example',
        logger,
        now: () => now,
      });
      const request = signed({ algorithm: 'HMAC-SHA256', issued_at: Math.floor(now / 1000), user_id: 'user-1' });
      const post = () =>
        app.inject({
          method: 'POST',
          url: '/callbacks/facebook/data-deletion',
          payload: new URLSearchParams({ signed_request: request }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      try {
        expect((await post()).statusCode).toBe(500);
        const retry = await post();
        expect(retry.statusCode).toBe(200);
        expect(reloads).toBe(2);
        expect(await db.selectFrom('pages').select('id').execute()).toEqual([]);
        const rows = await db
          .selectFrom('data_deletion_requests')
          .select(['confirmation_code', 'pages_removed'])
          .execute();
        expect(rows).toEqual([{ confirmation_code: retry.json().confirmation_code, pages_removed: 1 }]);
      } finally {
        await app.close();
      }
    });
  });
}
