import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/storage/secret-box.ts';
import { createSwitchboard, type Switchboard } from '../../src/switchboard.ts';
import { type Harness, PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';

/** The webhook fields every start makes sure the app gets for its pages (pages-api.ts). */
const FIELDS = ['messages', 'messaging_postbacks', 'message_deliveries', 'message_reads', 'message_echoes'];

describe('the app’s subscription to its pages’ webhooks', () => {
  let h: Harness | undefined;
  let other: Switchboard | undefined;
  afterEach(async () => {
    await other?.close();
    await h?.close();
    h = undefined;
    other = undefined;
  });

  /** The page's health, as the Pages tab shows it. */
  const health = async () =>
    (await h?.api('GET', '/api/pages'))?.body.data.find((p: { id: string }) => p.id === PAGE_ID)?.health;
  /** Both of start-up's calls with the page's token, the subscription's and the profile's, refused as a dead token. */
  const refuseTheToken = (fb: Harness['fb']) => fb.setFaults({ next: { count: 2, code: 190 } });

  /** What the Pages tab shows of the last try to subscribe the app. */
  const shown = async () =>
    (await h?.api('GET', '/api/pages'))?.body.data.find((p: { id: string }) => p.id === PAGE_ID)?.subscription_status;

  it('subscribes a page that sends the app nothing at start-up, so its messages are answered', async () => {
    h = await startHarness({ database: 'sqlite', subscribed: false });
    const posts = (await h.fb.graphCalls({ path_contains: 'subscribed_apps' })).filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(String(posts[0]?.query.subscribed_fields).split(',')).toEqual(expect.arrayContaining(FIELDS));
    expect(await shown()).toEqual({ status: 'ok', kind: null, detail: null, retrying: false, at: expect.any(Number) });

    await h.fb.sendText(PAGE_ID, PSID, 'is anyone there?');
    await h.settle();
    const replies = (await h.fb.conversation(PAGE_ID, PSID)).items.filter((i) => i.from === 'page');
    expect(replies.length).toBeGreaterThan(0);
  });

  it('only reads the subscription of a page subscribed already', async () => {
    h = await startHarness({ database: 'sqlite' });
    const calls = await h.fb.graphCalls({ path_contains: 'subscribed_apps' });
    expect(calls.map((c) => c.method)).toEqual(['GET']);
  });

  it('starts all the same when Graph refuses the subscription, and tries again when it was busy', async () => {
    h = await startHarness({
      database: 'sqlite',
      subscribed: false,
      beforeStart: (fb) => fb.setFaults({ next: { count: 1, code: 2, path_contains: 'subscribed_apps' } }),
      // Long enough to read what the Pages tab shows before the second try.
      tuning: { pageRetryMs: 1000 },
    });
    expect(await shown()).toMatchObject({
      status: 'failed',
      kind: 'transient',
      retrying: true,
      detail: expect.any(String),
    });
    const posted = async () =>
      (await h?.fb.graphCalls({ path_contains: 'subscribed_apps' }))?.some(
        (c) => c.method === 'POST' && c.status === 200,
      );
    await expect.poll(posted, { timeout: 5000, interval: 50 }).toBe(true);
    expect(await shown()).toMatchObject({ status: 'ok', detail: null, retrying: false });
  });

  it('shows a token Graph refused as ok again once a call of the upkeep goes through with it, with no send', async () => {
    h = await startHarness({ database: 'sqlite', beforeStart: refuseTheToken });
    await expect.poll(health, { timeout: 5000, interval: 50 }).toBe('token');
    // A settings change syncs the profile with the same token, and Graph takes it: the token works.
    const changed = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { greeting: 'Hello again!' });
    expect(changed.body).toMatchObject({ profile_sync: 'updated' });
    await expect.poll(health, { timeout: 5000, interval: 50 }).toBe('ok');
  });

  it('shows a token Graph refused at start-up on the page’s health, and ok again once a send goes through', async () => {
    h = await startHarness({ database: 'sqlite', beforeStart: refuseTheToken });
    await expect.poll(health, { timeout: 5000, interval: 50 }).toBe('token');
    // Trying again does not mend a token: the tab says so, with Graph's words.
    expect(await shown()).toMatchObject({
      status: 'failed',
      kind: 'token',
      retrying: false,
      detail: '(#190) Injected error',
    });

    await h.fb.sendText(PAGE_ID, PSID, 'still there?');
    await h.settle();
    expect((await h.fb.conversation(PAGE_ID, PSID)).items.some((i) => i.from === 'page')).toBe(true);
    await expect.poll(health, { timeout: 5000, interval: 50 }).toBe('ok');
  });

  it('shows ok again once a send goes through, though the token was refused to a process that does not send (PostgreSQL)', async () => {
    // The first process holds the processing lock: it sends. The second starts later, and Graph refuses its check of
    // the subscription as a dead token: recorded by a process whose pages the sending one does not reload.
    h = await startHarness({ database: 'postgres', tuning: { pagePollMs: 50 } });
    await h.fb.setFaults({ next: { count: 1, code: 190, path_contains: 'subscribed_apps' } });
    other = await createSwitchboard({
      config: h.config,
      secretBox: createSecretBox([h.secretKey]),
      logger: pino({ level: 'silent' }),
      tuning: { pagePollMs: 50 },
    });
    await other.profilesSynced;
    const health = async () =>
      (await h?.api('GET', '/api/pages'))?.body.data.find((p: { id: string }) => p.id === PAGE_ID)?.health;
    expect(await health()).toBe('token');

    // Graph takes the page's token again (it was refused for a moment, or mended without a new one): each look sends
    // a message, and the sending process tells its page is fine once it has heard of the refusal.
    let n = 0;
    const healthAfterASend = async () => {
      await h?.fb.sendText(PAGE_ID, PSID, `still there? ${++n}`);
      await h?.settle();
      return health();
    };
    await expect.poll(healthAfterASend, { timeout: 5000, interval: 100 }).toBe('ok');
  });
});
