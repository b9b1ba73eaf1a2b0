import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { useScriptedGraph } from '../../test/support/scripted-graph-server.ts';
import type { Config } from '../config/load-config.ts';
import type { PageSettingsInput } from '../config/page-settings.ts';
import { createLogger } from '../server/logger.ts';
import { createPageDirectory } from '../server/page-directory.ts';
import { syncConfiguredPages } from '../storage/page-repository.ts';
import { createSecretBox } from '../storage/secret-box.ts';
import { createPageUpkeep, retryWait } from './page-upkeep.ts';

const APP = '1517776481860111';
const PAGE = '104857392018475';
const MINUTE = 60_000;
/** Answers a profile read (nothing set) as well as a write, whichever comes. */
const OK = { json: { data: [], result: 'success' } };
const BUSY = { status: 503, json: { error: { message: 'Service temporarily unavailable', code: 2 } } };
const EXPIRED = { message: 'Error validating access token: Session has expired', code: 190, error_subcode: 463 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the wait before page upkeep tries again', () => {
  it('doubles up to 30 minutes, half of it random, and waits as long as Graph asks', () => {
    const top = () => 1;
    expect([1, 2, 3, 4].map((failures) => retryWait(failures, MINUTE, 0, top))).toEqual([
      MINUTE,
      2 * MINUTE,
      4 * MINUTE,
      8 * MINUTE,
    ]);
    expect(retryWait(1, MINUTE, 0, () => 0)).toBe(MINUTE / 2);
    expect(retryWait(6, MINUTE, 0, top)).toBe(30 * MINUTE);
    expect(retryWait(1000, MINUTE, 0, top)).toBe(30 * MINUTE);
    expect(retryWait(1, MINUTE, 7 * MINUTE, top)).toBe(7 * MINUTE);
    expect(retryWait(20, MINUTE, 45 * MINUTE, top)).toBe(45 * MINUTE);
  });
});

for (const kind of DATABASES) {
  describe(`page upkeep on ${kind}`, () => {
    const open = useMigratedDatabase(kind);
    const graph = useScriptedGraph();
    let close: (() => void) | undefined;
    afterEach(() => {
      close?.();
      close = undefined;
    });

    async function start(settings: PageSettingsInput, retryMs: number, now = () => 7) {
      const { db } = await open();
      const box = createSecretBox([randomBytes(32).toString('base64')]);
      const configured = {
        apps: [{ id: APP, secret: 'app-secret', verify_token: 'vt' }],
        pages: [{ id: PAGE, app_id: APP, access_token: 'EAA-page', settings }],
      } as Pick<Config, 'apps' | 'pages'>;
      await syncConfiguredPages(db, box, configured, 1);
      const directory = createPageDirectory(db, box);
      await directory.reload();
      const logs: { level: number; msg: string }[] = [];
      const logger = createLogger('debug', { write: (line) => logs.push(JSON.parse(line)) });
      const upkeepOf = () => createPageUpkeep({ db, directory, graphFor: () => graph.client, logger, retryMs, now });
      const upkeep = upkeepOf();
      close = upkeep.close;
      /** Another process on the database, or this one restarted. */
      const another = () => {
        const next = upkeepOf();
        const closeFirst = close;
        close = () => {
          closeFirst?.();
          next.close();
        };
        return next;
      };
      /** What PATCH /api/pages/:id/settings does before it asks for a sync. */
      const changeSettings = async (changes: PageSettingsInput) => {
        await db
          .updateTable('pages')
          .set({ settings_changes: JSON.stringify(changes) })
          .execute();
        await directory.reload();
      };
      return { db, upkeep, logs, changeSettings, another };
    }

    /** Resolves once the scripted Graph has had `count` requests, or fails after 5 s. */
    async function requestsReach(count: number) {
      for (let waited = 0; graph.server.requests.length < count; waited += 10) {
        if (waited > 5000) throw new Error(`${graph.server.requests.length} Graph requests, not ${count}`);
        await sleep(10);
      }
    }

    const greetingsPosted = () =>
      graph.server.requests
        .filter((r) => r.method === 'POST')
        .map((r) => (r.json as { greeting?: { text: string }[] }).greeting?.[0]?.text);

    it('waits as long as Graph asked before trying again, however short its own wait', async () => {
      const { upkeep } = await start({ greeting: 'Hello!' }, 10);
      const limited = { message: '(#613) Calls to this api have exceeded the rate limit.', code: 613 };
      graph.server.reply({ status: 400, json: { error: limited }, headers: { 'retry-after': '1' } }, OK, OK);
      const asked = Date.now();
      expect(await upkeep.syncProfile(PAGE)).toMatchObject({ status: 'failed', retryable: true, retry_after_ms: 1000 });
      await sleep(300);
      expect(graph.server.requests).toHaveLength(1);
      await requestsReach(3);
      expect(Date.now() - asked).toBeGreaterThanOrEqual(1000);
      expect(greetingsPosted()).toEqual(['Hello!']);
    });

    it('keeps trying while Graph is busy, past the third try', async () => {
      const { upkeep } = await start({ greeting: 'Hello!' }, 5);
      graph.server.reply(BUSY, BUSY, BUSY, BUSY, BUSY, OK, OK);
      expect(await upkeep.syncProfile(PAGE)).toMatchObject({ status: 'failed', retryable: true });
      await requestsReach(7);
      expect(greetingsPosted()).toEqual(['Hello!']);
    });

    it('reads a profile made to match less than 10 minutes ago no more, in another process or after a restart', async () => {
      let time = 1_000_000;
      const { upkeep, another, changeSettings } = await start({ greeting: 'Hello!' }, 10, () => time);
      graph.server.reply(OK, OK);
      expect(await upkeep.syncProfile(PAGE)).toMatchObject({ status: 'updated' });
      expect(graph.server.requests).toHaveLength(2); // The read, and the greeting set.
      time += 9 * MINUTE;
      expect(await another().syncProfile(PAGE)).toEqual({ status: 'unchanged' });
      expect(graph.server.requests.filter((r) => r.url.pathname.endsWith('/messenger_profile'))).toHaveLength(2);
      // Another profile wanted is read and set at once.
      graph.server.reply(OK, OK);
      await changeSettings({ greeting: 'Bonjour !' });
      expect(await another().syncProfile(PAGE)).toMatchObject({ status: 'updated' });
      expect(greetingsPosted()).toEqual(['Hello!', 'Bonjour !']);
      // Past 10 minutes, the same profile is read again: someone may have changed the page's since.
      time += 10 * MINUTE;
      graph.server.reply({ json: { data: [{ greeting: [{ locale: 'default', text: 'Bonjour !' }] }] } });
      expect(await another().syncProfile(PAGE)).toEqual({ status: 'unchanged' });
      expect(graph.server.requests.filter((r) => r.url.pathname.endsWith('/messenger_profile'))).toHaveLength(5);
    });

    it('tries nothing more once closed', async () => {
      const { upkeep } = await start({ greeting: 'Hello!' }, 20);
      graph.server.reply(BUSY);
      expect(await upkeep.syncProfile(PAGE)).toMatchObject({ status: 'failed', retryable: true });
      upkeep.close();
      await sleep(150);
      expect(graph.server.requests).toHaveLength(1);
    });

    it('runs a sync asked for during one after it, once, so the newer greeting is the one left', async () => {
      const { upkeep, changeSettings } = await start({ greeting: 'First' }, 10);
      // The first run's read is slow: the settings change and the two requests come while it is in flight.
      graph.server.reply({ ...OK, delayMs: 1000 }, OK, OK, OK);
      const first = upkeep.syncProfile(PAGE);
      await changeSettings({ greeting: 'Second' });
      const [second, third] = [upkeep.syncProfile(PAGE), upkeep.syncProfile(PAGE)];
      expect(await first).toMatchObject({ status: 'updated' });
      expect(await second).toMatchObject({ status: 'updated' });
      expect(await third).toEqual(await second);
      expect(graph.server.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'POST']);
      expect(greetingsPosted()).toEqual(['First', 'Second']);
    });

    it('records a refused token on the page’s health, says so, and does not try again', async () => {
      const { db, upkeep, logs } = await start({}, 5);
      graph.server.reply({ status: 400, json: { error: EXPIRED } });
      await upkeep.atStart(); // Only the subscription to check: the page has no profile to sync.
      await sleep(50);
      expect(graph.server.requests.map((r) => r.url.pathname)).toEqual([`/v25.0/${PAGE}/subscribed_apps`]);
      const page = await db.selectFrom('pages').select(['health', 'health_detail', 'health_at']).executeTakeFirst();
      expect(page).toEqual({ health: 'token', health_detail: EXPIRED.message, health_at: 7 });
      const errors = logs.filter((line) => line.level >= 40).map((line) => line.msg);
      expect(errors).toEqual([expect.stringContaining('access token (invalid or expired)')]);
      expect(errors.join()).not.toContain('pages_manage_metadata');
    });

    it('leaves a health recorded since its directory was loaded when a sync goes through: only a refused token clears', async () => {
      const { db, upkeep, changeSettings } = await start({ greeting: 'Hello!' }, 5);
      const health = (value: string) => db.updateTable('pages').set({ health: value, health_detail: value }).execute();
      await health('token');
      await changeSettings({}); // The directory is loaded with the refused token.
      // The processing thread (or another process) recorded Meta's block since; nothing reloaded this directory.
      await health('blocked');
      graph.server.reply(OK, OK);
      await upkeep.syncProfile(PAGE);
      expect(await db.selectFrom('pages').select('health').executeTakeFirst()).toEqual({ health: 'blocked' });
    });

    it('records a token the profile sync found refused on the page’s health', async () => {
      const { db, upkeep } = await start({ greeting: 'Hello!' }, 5);
      graph.server.reply({ status: 400, json: { error: EXPIRED } });
      expect(await upkeep.syncProfile(PAGE)).toMatchObject({ status: 'failed', kind: 'token', retryable: false });
      await sleep(50);
      expect(graph.server.requests).toHaveLength(1);
      expect(await db.selectFrom('pages').select('health').executeTakeFirst()).toEqual({ health: 'token' });
    });
  });
}
