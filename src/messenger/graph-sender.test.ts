import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { directory, PAGE, PSID } from '../../test/support/connected-page.ts';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { type ScriptedReply, useScriptedGraph } from '../../test/support/scripted-graph-server.ts';
import type { AssistantTurn } from '../assistants/assistant.ts';
import { createConversationService } from '../conversations/conversation-service.ts';
import type { InboundEvent } from '../conversations/inbound-event.ts';
import { createMemoryRateLimiter } from '../conversations/rate-limiter.ts';
import type { OutboxSend } from '../queue/channel-sender.ts';
import { createAttachmentCache } from '../storage/attachment-cache.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import { insertInboundEvents } from '../storage/inbound-event-repository.ts';
import { PAGE_INBOX_APP_ID } from './graph/handover-api.ts';
import { createGraphSender, TAKE_NOTE } from './graph-sender.ts';
import { guestPersonId } from './person-address.ts';

const logger = pino({ level: 'silent' });

const PROFILE = { json: { first_name: 'Lena', last_name: 'Okafor', id: PSID } };
const failures: [string, ScriptedReply][] = [
  ['a 5xx', { status: 503, json: { error: { message: 'Service temporarily unavailable', code: 2 } } }],
  ['a timeout', { ...PROFILE, delayMs: 3000 }],
  ['a rate limit', { status: 400, json: { error: { message: 'Application request limit reached', code: 4 } } }],
  ['a refused page token', { status: 400, json: { error: { message: 'Session has expired', code: 190 } } }],
];

/** A text message to PSID, as the outbox hands it over. */
const SEND: OutboxSend = {
  outbox_id: 'o1',
  page_id: PAGE.id,
  conversation_id: 'c1',
  recipient_id: PSID,
  kind: 'message',
  messaging_type: 'RESPONSE',
  message: { text: 'hello' },
};
/** Graph's refusal of a call by an app that does not own the thread (messenger-platform.md §7). */
const NOT_OWNER = {
  status: 400,
  json: { error: { message: 'This app has secondary visibility only', code: 100, error_subcode: 2018234 } },
};

describe('graph sender: profile lookups', () => {
  const graph = useScriptedGraph({ timeoutMs: 300 });
  const sender = () => createGraphSender({ directory, graphFor: () => graph.client, onPageHealth: () => {}, logger });

  it.each(failures)('calls the profile unknown after %s, to be asked again', async (_what, reply) => {
    graph.server.reply(reply);
    expect(await sender().fetchProfile(PAGE.id, PSID)).toEqual({ status: 'unknown' });
  });

  it('asks Graph for no profile of a chat-plugin guest, who has none, and addresses its replies by user_ref', async () => {
    const guest = guestPersonId('ur_4kP9');
    expect(await sender().fetchProfile(PAGE.id, guest)).toEqual({ status: 'none' });
    expect(graph.server.requests).toEqual([]);
    graph.server.reply({ json: { message_id: 'm_G1' } });
    expect(await sender().send({ ...SEND, recipient_id: guest })).toMatchObject({
      status: 'sent',
      external_id: 'm_G1',
    });
    expect(graph.server.requests[0]?.json).toMatchObject({ recipient: { user_ref: 'ur_4kP9' } });
  });

  it('calls a profile Graph will not give none, and reads one it gives', async () => {
    graph.server.reply(
      { status: 400, json: { error: { message: 'No matching user', code: 100, error_subcode: 2018001 } } },
      PROFILE,
    );
    expect(await sender().fetchProfile(PAGE.id, PSID)).toEqual({ status: 'none' });
    expect(await sender().fetchProfile(PAGE.id, PSID)).toMatchObject({
      status: 'found',
      profile: { first_name: 'Lena', last_name: 'Okafor' },
    });
  });
});

describe('graph sender: thread passes', () => {
  const graph = useScriptedGraph({ timeoutMs: 300 });
  const sender = () => createGraphSender({ directory, graphFor: () => graph.client, onPageHealth: () => {}, logger });
  const pass = { pageId: PAGE.id, personId: PSID, appId: PAGE_INBOX_APP_ID, note: 'on request' };

  it('passes the thread with the page token and the note, and says a failure of the moment is to be retried', async () => {
    graph.server.reply(
      { json: { success: true } },
      failures[0]?.[1] as ScriptedReply,
      {
        status: 400,
        json: { error: { message: '(#10) Application does not have permission', code: 10, error_subcode: 2018300 } },
      },
      // Asked after the refusal: the thread is still the page's app's.
      { json: { data: [{ thread_owner: { app_id: PAGE.app_id } }] } },
    );
    expect(await sender().passThread(pass)).toEqual({ status: 'passed' });
    expect(graph.server.requests[0]?.url.pathname).toMatch(/\/me\/pass_thread_control$/);
    expect(graph.server.requests[0]?.json).toEqual({
      recipient: { id: PSID },
      target_app_id: PAGE_INBOX_APP_ID,
      metadata: 'on request',
    });
    expect(await sender().passThread(pass)).toEqual({
      status: 'retry',
      error: '(#2) Service temporarily unavailable',
    });
    expect(await sender().passThread(pass)).toEqual({
      status: 'failed',
      error: '(#10/2018300) Application does not have permission',
    });
    expect(await sender().passThread({ ...pass, pageId: 'gone' })).toMatchObject({ status: 'failed' });
  });

  it('calls a refused pass passed when the app has the thread already: passed before a crash lost the commit', async () => {
    graph.server.reply(NOT_OWNER, { json: { data: [{ thread_owner: { app_id: Number(PAGE_INBOX_APP_ID) } }] } });
    expect(await sender().passThread(pass)).toEqual({ status: 'passed' });
    expect(graph.server.requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`)).toEqual([
      'POST /v25.0/me/pass_thread_control',
      `GET /v25.0/me/thread_owner?recipient=${PSID}`,
    ]);
  });

  it('says a third app has the thread when Graph refuses the pass and its owner is neither the page’s app nor the one asked', async () => {
    graph.server.reply(NOT_OWNER, { json: { data: [{ thread_owner: { app_id: '1600000000000001' } }] } }, NOT_OWNER, {
      json: { data: [{ thread_owner: { app_id: PAGE.app_id } }] },
    });
    expect(await sender().passThread(pass)).toEqual({
      status: 'elsewhere',
      owner: '1600000000000001',
      error: '(#100/2018234) This app has secondary visibility only',
    });
    // The page's app has it still: the pass failed, whatever the reason.
    expect(await sender().passThread(pass)).toEqual({
      status: 'failed',
      error: '(#100/2018234) This app has secondary visibility only',
    });
  });

  it('says a refused pass is to be retried when the thread’s owner cannot be read for the moment', async () => {
    graph.server.reply(NOT_OWNER, failures[0]?.[1] as ScriptedReply);
    expect(await sender().passThread(pass)).toEqual({
      status: 'retry',
      error:
        '(#100/2018234) This app has secondary visibility only; its owner unknown: (#2) Service temporarily unavailable',
    });
  });

  it('asks no owner after a refused token, nor for a chat-plugin guest, who has no PSID to ask with', async () => {
    graph.server.reply({ status: 400, json: { error: { message: 'Session has expired', code: 190 } } }, NOT_OWNER);
    expect(await sender().passThread(pass)).toMatchObject({ status: 'failed' });
    expect(await sender().passThread({ ...pass, personId: guestPersonId('ur_4kP9') })).toEqual({
      status: 'failed',
      error: '(#100/2018234) This app has secondary visibility only',
    });
    expect(graph.server.requests.map((r) => r.url.pathname)).toEqual([
      '/v25.0/me/pass_thread_control',
      '/v25.0/me/pass_thread_control',
    ]);
  });

  it('calls the Page Inbox by its name, any other app by its id', () => {
    expect(sender().appName(PAGE_INBOX_APP_ID)).toBe('the Page Inbox');
    expect(sender().appName('1600000000000001')).toBe('app 1600000000000001');
  });
});

describe("graph sender: an agent's reply to a thread another app has", () => {
  const graph = useScriptedGraph({ timeoutMs: 300 });
  /** The conversations whose thread a reply took back, as the sender told, with since when it saw it elsewhere. */
  let taken: (string | number | null)[][] = [];
  const sender = () => {
    taken = [];
    const onThreadTaken = (pageId: string, conversationId: string, seen: number | null) =>
      taken.push([pageId, conversationId, seen]);
    return createGraphSender({
      directory,
      graphFor: () => graph.client,
      onPageHealth: () => {},
      onThreadTaken,
      logger,
    });
  };
  const reply: OutboxSend = { ...SEND, message: { text: 'Ana here' } };
  /** The reply read that another app has held the thread since this time. */
  const takes_thread = { elsewhere_since: 1_700_000_000_000 };
  const calls = () => graph.server.requests.map((r) => r.url.pathname.replace(/^\/v[\d.]+/, ''));

  it('takes the thread, with a note for the app that had it, and sends the reply once more', async () => {
    graph.server.reply(NOT_OWNER, { json: { success: true } }, { json: { message_id: 'm_A1' } });
    expect(await sender().send({ ...reply, takes_thread })).toMatchObject({
      status: 'sent',
      external_id: 'm_A1',
    });
    expect(calls()).toEqual(['/me/messages', '/me/take_thread_control', '/me/messages']);
    expect(graph.server.requests[1]?.json).toEqual({ recipient: { id: PSID }, metadata: TAKE_NOTE });
    expect(graph.server.requests[2]?.json).toEqual(graph.server.requests[0]?.json);
    expect(taken).toEqual([[PAGE.id, 'c1', takes_thread.elsewhere_since]]);
  });

  it("takes no thread for the bot's replies, nor for another refusal, and fails as Graph said when it cannot take it", async () => {
    graph.server.reply(
      NOT_OWNER,
      { status: 400, json: { error: { message: '(#10) Application does not have permission', code: 10 } } },
      NOT_OWNER,
      { status: 400, json: { error: { message: 'Cannot take thread control', code: 551 } } },
    );
    expect(await sender().send(reply)).toMatchObject({ status: 'failed', error: { code: 100, subcode: 2018234 } });
    expect(await sender().send({ ...reply, takes_thread })).toMatchObject({
      status: 'failed',
      error: { code: 10 },
    });
    expect(await sender().send({ ...reply, takes_thread })).toMatchObject({
      status: 'failed',
      error: { code: 100, subcode: 2018234 },
    });
    expect(calls()).toEqual(['/me/messages', '/me/messages', '/me/messages', '/me/take_thread_control']);
    expect(taken).toEqual([]);
  });
});

describe("graph sender: the page's health", () => {
  const graph = useScriptedGraph({ timeoutMs: 300 });
  const send = SEND;
  const blockedByGraph = {
    status: 400,
    json: {
      error: { message: '(#368) The action attempted has been deemed abusive or is otherwise disallowed', code: 368 },
    },
  };

  /** A sender, and the healths it reports with their details. */
  const watched = () => {
    const reports: (string | null)[][] = [];
    const onPageHealth = (_page: string, health: string, detail: string | null, was?: string) =>
      reports.push(was === undefined ? [health, detail] : [health, detail, was]);
    return { reports, sender: createGraphSender({ directory, graphFor: () => graph.client, onPageHealth, logger }) };
  };

  it("shows Meta's block until Meta lifts it; Graph's refusals meanwhile do not hide its reason", async () => {
    const { reports, sender } = watched();
    sender.policyEnforced(PAGE.id, 'warning', 'People reported messages as spam.');
    expect(reports).toEqual([]);
    sender.policyEnforced(PAGE.id, 'block', 'Spam reported by people.');
    expect(reports).toEqual([['blocked', 'Meta blocked the page from messaging: Spam reported by people.']]);
    // What the outbox fails the page's rows with meanwhile, instead of asking Graph.
    expect(sender.blockedReason(PAGE.id)).toBe('Meta blocked the page from messaging: Spam reported by people.');
    graph.server.reply(blockedByGraph);
    expect(await sender.send(send)).toMatchObject({ status: 'failed', error: { code: 368 } });
    expect(reports).toHaveLength(1);
    sender.policyEnforced(PAGE.id, 'unblock', undefined);
    // Ok where the block is recorded: nothing else ends with it.
    expect(reports.at(-1)).toEqual(['ok', null, 'blocked']);
    expect(sender.blockedReason(PAGE.id)).toBeUndefined();
    // Unblocked, a refusal shows as Graph gave it.
    graph.server.reply(blockedByGraph);
    await sender.send(send);
    expect(reports.at(-1)).toEqual([
      'permission',
      '(#368) The action attempted has been deemed abusive or is otherwise disallowed',
    ]);
  });

  it("lifts Meta's block on the unblock though this sender never saw the block, and only the block", async () => {
    // The block was recorded by the process that led before this one took the lock over, whose directory was loaded
    // before that; or by this sender, and a reload read the page before the write (SQLite: no poll reads it again).
    const { reports, sender: taken } = watched();
    taken.policyEnforced(PAGE.id, 'unblock', undefined);
    expect(reports).toEqual([['ok', null, 'blocked']]);
    const { reports: later, sender: reloaded } = watched();
    reloaded.policyEnforced(PAGE.id, 'block', 'Spam reported by people.');
    reloaded.directoryReloaded();
    reloaded.policyEnforced(PAGE.id, 'unblock', undefined);
    expect(later.at(-1)).toEqual(['ok', null, 'blocked']);
    // A refused token is no matter of Meta's block: it stays until a send goes through, here and where it is recorded.
    graph.server.reply({ status: 400, json: { error: { message: 'Session has expired', code: 190 } } });
    await reloaded.send(send);
    reloaded.policyEnforced(PAGE.id, 'unblock', undefined);
    expect(later.at(-1)).toEqual(['ok', null, 'blocked']);
    graph.server.reply({ json: { recipient_id: PSID, message_id: 'm_1' } });
    await reloaded.send(send);
    expect(later.at(-1)).toEqual(['ok', null]);
  });

  it('says the page sends at its first send after a start or a reload, whatever the directory read, then not again', async () => {
    const { reports, sender } = watched();
    // The directory says ok, but a trouble may have been recorded since it was read (another process, the upkeep).
    graph.server.reply(
      { json: { recipient_id: PSID, message_id: 'm_1' } },
      { json: { recipient_id: PSID, message_id: 'm_2' } },
    );
    await sender.send(send);
    await sender.send(send);
    expect(reports).toEqual([['ok', null]]);
    sender.directoryReloaded();
    graph.server.reply({ json: { recipient_id: PSID, message_id: 'm_3' } });
    await sender.send(send);
    expect(reports).toEqual([
      ['ok', null],
      ['ok', null],
    ]);
  });

  it('records a token Graph refuses on a thread pass, as on a send; a permission refused there is the handover’s', async () => {
    const { reports, sender } = watched();
    const pass = { pageId: PAGE.id, personId: PSID, appId: PAGE_INBOX_APP_ID, note: 'on request' };
    graph.server.reply(
      { status: 400, json: { error: { message: 'Error validating access token', code: 190, error_subcode: 460 } } },
      { status: 400, json: { error: { message: '(#10) Application does not have permission', code: 10 } } },
      { json: { data: [{ thread_owner: { app_id: PAGE.app_id } }] } },
    );
    expect(await sender.passThread(pass)).toMatchObject({ status: 'failed' });
    expect(reports).toEqual([['token', '(#190/460) Error validating access token']]);
    expect(await sender.passThread(pass)).toMatchObject({ status: 'failed' });
    expect(reports).toHaveLength(1);
  });

  it('reads the reason of a block recorded before it started from the directory', () => {
    const detail = 'Meta blocked the page from messaging: Spam reported by people.';
    const blockedPage = { ...PAGE, health: 'blocked', health_detail: detail };
    const sender = createGraphSender({
      directory: { ...directory, page: (id) => (id === PAGE.id ? blockedPage : undefined) },
      graphFor: () => graph.client,
      onPageHealth: () => {},
      logger,
    });
    expect(sender.blockedReason(PAGE.id)).toBe(detail);
  });

  it('calls the page healthy again once a send goes through, though the unblock never came', async () => {
    const { reports, sender } = watched();
    sender.policyEnforced(PAGE.id, 'block', undefined);
    graph.server.reply({ json: { recipient_id: PSID, message_id: 'm_1' } });
    expect(await sender.send(send)).toMatchObject({ status: 'sent' });
    expect(reports.map(([health]) => health)).toEqual(['blocked', 'ok']);
  });
});

for (const kind of DATABASES) {
  describe(`a person's profile on ${kind}`, () => {
    const open = useMigratedDatabase(kind);
    const graph = useScriptedGraph({ timeoutMs: 300 });

    it('is asked for again at the next message when Graph could not answer, then kept', async () => {
      const { db } = await open();
      const turns: AssistantTurn[] = [];
      const service = createConversationService({
        store: createConversationStore(db, createBatchedWrites(db)),
        pages: (id) => directory.page(id),
        assistantFor: () => ({
          kind: 'flow',
          async reply(turn) {
            turns.push(turn);
            return { responses: [], context: {} };
          },
        }),
        renderer: { render: () => [] },
        profiles: createGraphSender({ directory, graphFor: () => graph.client, onPageHealth: () => {}, logger }),
        rateLimiter: createMemoryRateLimiter(),
        clock: { now: Date.now },
        logger,
      });
      let n = 0;
      const message = async () => {
        const mid = `m_${++n}`;
        const event = { kind: 'message', page_id: PAGE.id, user_id: PSID, key: mid, mid, timestamp: Date.now() };
        const [stored] = await insertInboundEvents(
          db,
          [{ ...event, text: `message ${n}`, attachments: [], standby: false } as InboundEvent],
          Date.now(),
        );
        if (!stored) throw new Error('stored as a redelivery');
        await service.handle(stored);
      };
      const contact = () => db.selectFrom('contacts').select(['first_name', 'profile_status']).executeTakeFirst();

      graph.server.reply(failures[0]?.[1] as ScriptedReply);
      await message();
      expect(await contact()).toEqual({ first_name: null, profile_status: 'pending' });
      graph.server.reply(PROFILE);
      await message();
      expect(await contact()).toEqual({ first_name: 'Lena', profile_status: 'fetched' });
      await message();

      // Asked twice: once Graph had it, never again.
      expect(graph.server.requests.map((r) => r.url.pathname)).toEqual([`/v25.0/${PSID}`, `/v25.0/${PSID}`]);
      expect(turns.map((t) => t.contact.profile.first_name)).toEqual([undefined, 'Lena', 'Lena']);
    });
  });
}

for (const kind of DATABASES) {
  describe(`graph sender on ${kind}: cached attachment ids`, () => {
    const open = useMigratedDatabase(kind);
    const graph = useScriptedGraph();
    const URL = 'https://cdn.example.com/menu.jpg';
    const REFUSED = {
      status: 400,
      json: { error: { message: '(#100) Invalid attachment_id', type: 'OAuthException', code: 100 } },
    };
    const image = (n: number): OutboxSend => ({
      outbox_id: `o${n}`,
      page_id: PAGE.id,
      conversation_id: 'c1',
      recipient_id: PSID,
      kind: 'message',
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'image', payload: { url: URL, is_reusable: true } } },
    });
    /** A sender wired to the attachment cache as processing wires it, with an id cached for the image's URL. */
    async function start() {
      const { db } = await open();
      const cache = await createAttachmentCache(db, Date.now);
      await cache.remember(PAGE.id, URL, 'att-old', Date.now());
      const writes: Promise<unknown>[] = [];
      const sender = createGraphSender({
        directory,
        graphFor: () => graph.client,
        onPageHealth: () => {},
        attachmentIdFor: cache.get,
        onAttachmentId: (pageId, url, id) => writes.push(cache.remember(pageId, url, id, Date.now())),
        forgetAttachmentId: (pageId, url) => writes.push(cache.forget(pageId, url)),
        logger,
      });
      const stored = async () => {
        await Promise.all(writes);
        return (await db.selectFrom('attachment_cache').select('attachment_id').execute()).map((r) => r.attachment_id);
      };
      /** What each request to Graph sent as the image's payload. */
      const payloads = () =>
        graph.server.requests.map(
          (r) => (r.json as { message: { attachment: { payload: unknown } } }).message.attachment.payload,
        );
      return { sender, cache, stored, payloads };
    }

    it('sends by URL once more when Graph refuses the cached id, and keeps the id that send gives', async () => {
      const { sender, cache, stored, payloads } = await start();
      graph.server.reply(REFUSED, { json: { recipient_id: PSID, message_id: 'm_1', attachment_id: 'att-new' } });
      expect(await sender.send(image(1))).toMatchObject({ status: 'sent', external_id: 'm_1' });
      expect(payloads()).toEqual([{ attachment_id: 'att-old' }, { url: URL, is_reusable: true }]);
      expect(cache.get(PAGE.id, URL)).toBe('att-new');
      expect(await stored()).toEqual(['att-new']);
    });

    it('forgets a refused id when the send by URL fails too: the next send goes by URL only', async () => {
      const { sender, cache, stored, payloads } = await start();
      graph.server.reply(REFUSED, REFUSED);
      expect(await sender.send(image(1))).toMatchObject({ status: 'failed', error: { code: 100 } });
      expect(cache.get(PAGE.id, URL)).toBeUndefined();
      expect(await stored()).toEqual([]);
      graph.server.reply({ json: { recipient_id: PSID, message_id: 'm_2', attachment_id: 'att-new' } });
      expect(await sender.send(image(2))).toMatchObject({ status: 'sent', external_id: 'm_2' });
      expect(payloads()).toEqual([
        { attachment_id: 'att-old' },
        { url: URL, is_reusable: true },
        { url: URL, is_reusable: true },
      ]);
    });
  });
}
