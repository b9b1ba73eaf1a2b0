import { randomBytes } from 'node:crypto';
import { type Kysely, type KyselyPlugin, RawNode, UpdateQueryNode, WhereNode } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { ConfigError } from '../config/config-error.ts';
import type { Config } from '../config/load-config.ts';
import { createPageDirectory } from '../server/page-directory.ts';
import { openDatabase } from './database.ts';
import { saveConnectedPages } from './page-connections.ts';
import {
  clearPageHealth,
  loadApps,
  loadPages,
  pagesVersion,
  recordPageHealth,
  syncConfiguredPages,
} from './page-repository.ts';
import type { Database } from './schema.ts';
import { createSecretBox } from './secret-box.ts';

const key = () => randomBytes(32).toString('base64');
const app = (id: string) => ({ id, secret: `secret-of-${id}`, verify_token: `vt-${id}` });
const page = (id: string, appId: string) => ({ id, app_id: appId, access_token: `EAA-${id}`, settings: {} });

/** App 111 configured and page 333 connected by ASID-42's login; the box it was sealed with. */
async function connectedByLogin(db: Kysely<Database>) {
  const box = createSecretBox([key()]);
  await syncConfiguredPages(db, box, { apps: [app('111')], pages: [] } as Configured, 1);
  await saveConnectedPages(db, box, {
    appId: '111',
    userId: 'ASID-42',
    pages: [{ id: '333', access_token: 'EAA-333' }],
    now: 2,
  });
  return box;
}
type Configured = Pick<Config, 'apps' | 'pages'>;

/**
 * Holds the first update of the pages table for 300 ms inside the database (PostgreSQL: `pg_sleep`), so that a write
 * issued after it on another of the pool's connections lands first. SQLite's one connection runs the statements in
 * turn: there it changes nothing.
 */
function slowFirstPageUpdate(kind: string): KyselyPlugin {
  let armed = true;
  return {
    transformQuery({ node }) {
      if (!armed || !UpdateQueryNode.is(node) || kind !== 'postgres') return node;
      armed = false;
      const slow = RawNode.createWithSql('(select true from pg_sleep(0.3))');
      return {
        ...node,
        where: node.where ? WhereNode.cloneWithOperation(node.where, 'And', slow) : WhereNode.create(slow),
      };
    },
    transformResult: async ({ result }) => result,
  };
}

for (const kind of DATABASES) {
  describe(`configured apps and pages on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it('follow the configuration: what it no longer lists is gone, pages connected by login stay while their app does', async () => {
      const { db } = await open();
      const oldKey = key();
      const before = createSecretBox([oldKey]);
      await syncConfiguredPages(db, before, { apps: [app('111')], pages: [page('222', '111')] } as Configured, 1);
      await db
        .insertInto('pages')
        .values({
          id: '333',
          app_id: '111',
          name: null,
          access_token_sealed: before.seal('EAA-333'),
          source: 'oauth',
          assistant: null,
          settings: '{}',
          messenger_profile: null,
          health: 'ok',
          health_detail: null,
          health_at: 1,
          created_at: 1,
          updated_at: 1,
        })
        .execute();

      // A new key, the old one still listed; app 111 and its page 222 are dropped from the configuration.
      const newKey = key();
      const rotated = createSecretBox([newKey, oldKey]);
      await syncConfiguredPages(db, rotated, { apps: [app('444')], pages: [page('555', '444')] } as Configured, 2);
      expect((await loadApps(db, rotated)).map((a) => a.id)).toEqual(['444']);
      expect((await loadPages(db, rotated)).map((p) => `${p.id}:${p.source}`)).toEqual(['333:oauth', '555:config']);
      const directory = createPageDirectory(db, rotated);
      await directory.reload();
      expect(directory.pages().map((p) => p.id)).toEqual(['555']); // 333's app can neither verify nor send for it
      expect(directory.app('111')).toBeUndefined();

      // Every secret was sealed again: the old key can go.
      const newOnly = createSecretBox([newKey]);
      expect((await loadPages(db, newOnly)).map((p) => p.access_token)).toEqual(['EAA-333', 'EAA-555']);
      expect((await loadApps(db, newOnly)).map((a) => a.secret)).toEqual(['secret-of-444']);
    });

    it('stops start-up naming the key when a token connected by login was sealed with a key no longer listed', async () => {
      const { db } = await open();
      await connectedByLogin(db);
      const dropped = createSecretBox([key()]);
      const started = syncConfiguredPages(db, dropped, { apps: [app('111')], pages: [] } as Configured, 3);
      await expect(started).rejects.toThrow(ConfigError);
      await expect(started).rejects.toThrow(
        /SWITCHBOARD_SECRET_KEY: the token of page 333.*list that key after the new one/,
      );
    });

    it('forgets who connected a page by login once the configuration lists it', async () => {
      const { db } = await open();
      const box = await connectedByLogin(db);
      await syncConfiguredPages(db, box, { apps: [app('111')], pages: [page('333', '111')] } as Configured, 3);
      const row = await db
        .selectFrom('pages')
        .select(['source', 'connected_by', 'connected_at'])
        .where('id', '=', '333')
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ source: 'config', connected_by: null, connected_at: null });
    });

    it('gives pages connected by login the connected_pages configuration, and no automatic replies without one', async () => {
      const { db } = await open();
      const box = createSecretBox([key()]);
      await syncConfiguredPages(db, box, { apps: [app('111')], pages: [] } as Configured, 1);
      await saveConnectedPages(db, box, {
        appId: '111',
        userId: '999',
        pages: [{ id: '333', name: 'Outlet', access_token: 'EAA-333' }],
        now: 1,
      });
      const bare = createPageDirectory(db, box);
      await bare.reload();
      expect(bare.page('333')).toMatchObject({ assistant: null, settings: { auto_replies: false } });
      const assistant = { type: 'http' as const, url: 'https://bot.example.com/turn', timeout_ms: 5000, retries: 0 };
      const configured = createPageDirectory(db, box, {
        connectedPages: { assistant, settings: { typing_indicators: false } },
      });
      await configured.reload();
      expect(configured.page('333')).toMatchObject({
        assistant,
        settings: { auto_replies: true, typing_indicators: false },
      });
    });

    it('seals the secret that signs requests to an HTTP bot, as it seals page tokens', async () => {
      const { db } = await open();
      const box = createSecretBox([key()]);
      const assistant = {
        type: 'http' as const,
        url: 'https://bot.example',
        timeout_ms: 1000,
        retries: 0,
        secret: 'bot-s3cret',
      };
      await syncConfiguredPages(
        db,
        box,
        { apps: [app('111')], pages: [{ ...page('222', '111'), assistant }] } as Configured,
        1,
      );
      const row = await db.selectFrom('pages').select('assistant').executeTakeFirstOrThrow();
      expect(row.assistant).not.toContain('bot-s3cret');
      expect((await loadPages(db, box))[0]?.assistant).toEqual(assistant);
    });

    it('keep the settings changed through the API over the configuration’s, across restarts', async () => {
      const { db } = await open();
      const box = createSecretBox([key()]);
      const configured = {
        apps: [app('111')],
        pages: [{ ...page('222', '111'), settings: { auto_replies: true, away_message: 'Back soon' } }],
      } as Configured;
      await syncConfiguredPages(db, box, configured, 1);
      // What PATCH /api/pages/:id/settings stores.
      await db
        .updateTable('pages')
        .set({ settings_changes: JSON.stringify({ auto_replies: false }) })
        .execute();
      await syncConfiguredPages(db, box, configured, 2); // The next start.
      expect((await loadPages(db, box))[0]?.settings).toEqual({ auto_replies: false, away_message: 'Back soon' });
    });

    it('keep a dead token’s health across a restart, and start over with a new token', async () => {
      const { db } = await open();
      const box = createSecretBox([key()]);
      const configured = { apps: [app('111')], pages: [page('222', '111')] } as Configured;
      await syncConfiguredPages(db, box, configured, 1);
      await recordPageHealth(db, '222', 'token', 'Error validating access token', 2);
      const health = async () =>
        (await db.selectFrom('pages').select(['health', 'health_detail']).executeTakeFirst())?.health;

      await syncConfiguredPages(db, box, configured, 3); // The next start, the same token.
      expect(await health()).toBe('token');
      const renewed = {
        apps: configured.apps,
        pages: [{ ...page('222', '111'), access_token: 'EAA-new' }],
      } as Configured;
      await syncConfiguredPages(db, box, renewed, 4);
      expect(await health()).toBe('ok');
    });

    it('show a changed app secret in the version other processes poll, as a changed page', async () => {
      const { db } = await open();
      const box = createSecretBox([key()]);
      await syncConfiguredPages(db, box, { apps: [app('111')], pages: [] } as Configured, 1);
      const before = await pagesVersion(db);
      await syncConfiguredPages(db, box, { apps: [{ ...app('111'), secret: 'rotated' }], pages: [] } as Configured, 2);
      expect(await pagesVersion(db)).not.toBe(before);
    });

    it('show a page’s health changed by another process in the version, not the same health recorded again', async () => {
      const { db } = await open();
      const box = createSecretBox([key()]);
      await syncConfiguredPages(db, box, { apps: [app('111')], pages: [page('222', '111')] } as Configured, 1);
      const before = await pagesVersion(db);
      await recordPageHealth(db, '222', 'token', 'Error validating access token', 2);
      const refused = await pagesVersion(db);
      expect(refused).not.toBe(before);
      await recordPageHealth(db, '222', 'token', 'Error validating access token', 3); // The next refused send.
      expect(await pagesVersion(db)).toBe(refused);
      await recordPageHealth(db, '222', 'ok', null, 4);
      expect(await pagesVersion(db)).not.toBe(refused);
    });

    it('clear a page’s trouble only when one is recorded, or only the one the caller saw', async () => {
      const { db } = await open();
      const box = createSecretBox([key()]);
      await syncConfiguredPages(db, box, { apps: [app('111')], pages: [page('222', '111')] } as Configured, 1);
      const health = async () =>
        db.selectFrom('pages').select(['health', 'health_at']).where('id', '=', '222').executeTakeFirstOrThrow();
      // Nothing to clear; the page is noted as seen sending at 2.
      expect(await clearPageHealth(db, '222', 2)).toBe(false);
      expect(await health()).toEqual({ health: 'ok', health_at: 2 });
      await recordPageHealth(db, '222', 'blocked', 'Meta blocked the page from messaging: spam', 3);
      // The page upkeep saw a refused token: Meta's block recorded since is not its to clear.
      expect(await clearPageHealth(db, '222', 4, 'token')).toBe(false);
      expect(await clearPageHealth(db, '222', 5)).toBe(true);
      expect(await health()).toEqual({ health: 'ok', health_at: 5 });
    });

    it('store the health reported last for a page, whatever order the database would run its writes in', async () => {
      const { db } = await open();
      const box = createSecretBox([key()]);
      await syncConfiguredPages(db, box, { apps: [app('111')], pages: [page('222', '111')] } as Configured, 1);
      const slowed = db.withPlugin(slowFirstPageUpdate(kind));
      // A send refused for the token, then one that went through: reported in this order, neither awaited.
      const refused = recordPageHealth(slowed, '222', 'token', 'Error validating access token', 2);
      const cleared = clearPageHealth(slowed, '222', 3);
      await Promise.all([refused, cleared]);
      const stored = db.selectFrom('pages').select(['health', 'health_at']).where('id', '=', '222');
      expect(await stored.executeTakeFirstOrThrow()).toEqual({ health: 'ok', health_at: 3 });
    });

    it('keep the health seen last when another process writes one seen before it late', async () => {
      const { db, url } = await open();
      const other = openDatabase(url); // Another process's connection.
      try {
        const box = createSecretBox([key()]);
        await syncConfiguredPages(db, box, { apps: [app('111')], pages: [page('222', '111')] } as Configured, 1);
        const stored = () =>
          db.selectFrom('pages').select(['health', 'health_at']).where('id', '=', '222').executeTakeFirstOrThrow();
        // Each observation is written by one process after the other process wrote a later one.
        await recordPageHealth(other.db, '222', 'blocked', 'Meta blocked the page from messaging: spam', 3);
        await recordPageHealth(db, '222', 'token', 'Error validating access token', 2);
        expect(await stored()).toEqual({ health: 'blocked', health_at: 3 });
        expect(await clearPageHealth(other.db, '222', 5, 'blocked')).toBe(true);
        await recordPageHealth(db, '222', 'blocked', 'Meta blocked the page from messaging: spam', 4);
        expect(await stored()).toEqual({ health: 'ok', health_at: 5 });
        // A send that went through while the page was known to send: noted, so that an older refusal does not win.
        expect(await clearPageHealth(other.db, '222', 7)).toBe(false);
        await recordPageHealth(db, '222', 'token', 'Error validating access token', 6);
        expect(await stored()).toEqual({ health: 'ok', health_at: 7 });
        // Nor does an older send that went through end a newer refusal.
        await recordPageHealth(other.db, '222', 'token', 'Error validating access token', 9);
        expect(await clearPageHealth(db, '222', 8)).toBe(false);
        expect(await stored()).toEqual({ health: 'token', health_at: 9 });
      } finally {
        await other.close();
      }
    });

    it('give a stored setting that no longer passes its default, and keep the page’s other settings', async () => {
      const { db } = await open();
      const box = createSecretBox([key()]);
      await syncConfiguredPages(db, box, { apps: [app('111')], pages: [page('222', '111')] } as Configured, 1);
      // Accepted before opening hours were checked whole.
      const stale = { auto_replies: false, business_hours: { time_zone: 'Mars/Olympus', days: {} } };
      await db
        .updateTable('pages')
        .set({ settings_changes: JSON.stringify(stale) })
        .execute();
      const invalid: unknown[] = [];
      const directory = createPageDirectory(db, box, {
        logger: { error: (fields: unknown) => invalid.push(fields) } as never,
      });
      await directory.reload();
      expect(directory.page('222')?.settings.auto_replies).toBe(false);
      expect(directory.page('222')?.settings).not.toHaveProperty('business_hours');
      expect(invalid).toEqual([{ pageId: '222', keys: ['business_hours'] }]);
    });
  });
}
