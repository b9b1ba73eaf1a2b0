import type { Kysely } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { defaultPageSettings } from '../config/page-settings.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import { insertInboundEvents } from '../storage/inbound-event-repository.ts';
import type { Database } from '../storage/schema.ts';
import { type ConversationServiceDeps, createConversationService, type StoredEvent } from './conversation-service.ts';
import type { InboundEvent } from './inbound-event.ts';
import { currentRouting, type PageRuntime } from './ports.ts';
import { createMemoryRateLimiter } from './rate-limiter.ts';

const INBOX = 'inbox-app';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

for (const kind of DATABASES) {
  describe(`conversation service on ${kind}: another app holds the person's thread`, () => {
    const open = useMigratedDatabase(kind);

    /**
     * A service whose assistant answers every message with "bot: <text>", for a page whose pause after a reply typed
     * in the Page Inbox is `pauseMinutes`, on a clock the test moves.
     */
    function threadOf(db: Kysely<Database>, pauseMinutes = defaultPageSettings.human_reply_pause_minutes) {
      const time = { now: Date.now() };
      const page = {
        id: 'page-1',
        app_id: 'app-1',
        settings: { ...defaultPageSettings, human_reply_pause_minutes: pauseMinutes },
      } as PageRuntime;
      const store = createConversationStore(db, createBatchedWrites(db));
      const service = createConversationService({
        store,
        pages: (id: string) => (id === page.id ? page : undefined),
        assistantFor: () => ({
          kind: 'flow',
          reply: async (turn) => ({
            responses: [{ type: 'text', text: `bot: ${turn.input && 'text' in turn.input ? turn.input.text : ''}` }],
          }),
        }),
        renderer: {
          render: (responses) =>
            responses.map((r) => {
              const text = r.type === 'text' ? r.text : r.type;
              return { kind: 'message' as const, message: { text }, preview: text };
            }),
        },
        profiles: { fetchProfile: async () => ({ status: 'none' as const }) },
        rateLimiter: createMemoryRateLimiter(),
        clock: { now: () => time.now },
        logger: pino({ level: 'silent' }),
      } as ConversationServiceDeps);
      let n = 0;
      const handle = async (body: Record<string, unknown>, standby = false) => {
        const key = `k${++n}`;
        const event = { page_id: page.id, user_id: 'psid-1', key, timestamp: time.now, standby, ...body };
        const [stored] = await insertInboundEvents(db, [event as InboundEvent], time.now);
        await service.handle(stored as StoredEvent);
      };
      const message = (text: string, standby = false) =>
        handle({ kind: 'message', mid: `m_${++n}`, text, attachments: [] }, standby);
      const handover = (action: string, detail: Record<string, unknown>) =>
        handle({ kind: 'handover', action, detail });
      const conversation = () =>
        db
          .selectFrom('conversations')
          .select(['routing', 'paused_until', 'thread_elsewhere_since'])
          .executeTakeFirstOrThrow();
      const routing = async () => currentRouting(await conversation(), time.now);
      const bot = () => db.selectFrom('messages').select(['text', 'status']).where('author', '=', 'bot').orderBy('id');
      const answered = async () => (await bot().execute()).map((m) => m.text);
      return { time, message, handover, handle, conversation, routing, answered, bot };
    }

    const taken = { previous_owner_app_id: 'app-1', new_owner_app_id: INBOX };
    const passedBack = { previous_owner_app_id: INBOX, new_owner_app_id: 'app-1' };

    it('pauses until the thread comes back when another app takes it, however long, even when the page sets no pause', async () => {
      const { db } = await open();
      const t = threadOf(db, 0);
      await t.message('hello');
      await t.handover('take_thread_control', taken);
      expect(await t.conversation()).toMatchObject({ thread_elsewhere_since: t.time.now });
      t.time.now += 3 * DAY;
      expect(await t.routing()).toBe('paused');
      await t.message('anyone?', true);
      expect(await t.answered()).toEqual(['bot: hello']);

      await t.handover('pass_thread_control', passedBack);
      expect(await t.conversation()).toMatchObject({ routing: 'bot', thread_elsewhere_since: null });
      await t.message('thanks');
      expect(await t.answered()).toEqual(['bot: hello', 'bot: thanks']);
    });

    it('cancels the bot’s unsent replies when the thread is taken, which could not be sent', async () => {
      const { db } = await open();
      const t = threadOf(db, 0);
      await t.message('hello');
      await t.handover('take_thread_control', taken);
      expect(await t.bot().execute()).toEqual([{ text: 'bot: hello', status: 'cancelled' }]);
    });

    it('keeps the pause after a reply typed in the Page Inbox while the page’s app has the thread to its minutes', async () => {
      const { db } = await open();
      const t = threadOf(db, 30);
      await t.message('hello');
      await t.handle({ kind: 'echo', mid: 'm_inbox', text: 'Maria here', attachments: [], app_id: INBOX });
      expect(await t.conversation()).toEqual({
        routing: 'paused',
        paused_until: t.time.now + 30 * MINUTE,
        thread_elsewhere_since: null,
      });
      t.time.now += 31 * MINUTE;
      expect(await t.routing()).toBe('bot');
      await t.message('still there?');
      expect(await t.answered()).toEqual(['bot: hello', 'bot: still there?']);
    });

    it('pauses a conversation it thought the bot’s when a message comes on standby, until the thread comes back', async () => {
      const { db } = await open();
      const t = threadOf(db, 30);
      await t.message('hello');
      // Taken by the Page Inbox half an hour ago, its webhook missed (or its pause run out under the old rule).
      t.time.now += 31 * MINUTE;
      await t.message('hello? anyone?', true);
      expect(await t.conversation()).toMatchObject({ routing: 'bot', thread_elsewhere_since: t.time.now });
      expect(await t.routing()).toBe('paused');
      t.time.now += DAY;
      await t.message('is this thing on?', true);
      expect(await t.routing()).toBe('paused');
      expect(await t.answered()).toEqual(['bot: hello']);
    });

    it('answers again once a message comes outside standby: the thread came back without a word (released)', async () => {
      const { db } = await open();
      const t = threadOf(db, 0);
      await t.message('hello');
      await t.handover('take_thread_control', taken);
      await t.message('back to the bot?');
      expect(await t.conversation()).toMatchObject({ thread_elsewhere_since: null });
      expect(await t.answered()).toEqual(['bot: hello', 'bot: back to the bot?']);
    });

    it('keeps the thread elsewhere when a message from before the take is handled after it (webhooks of two fields)', async () => {
      const { db } = await open();
      const t = threadOf(db, 0);
      await t.message('hello');
      const sentAt = t.time.now;
      t.time.now += 2_000;
      await t.handover('take_thread_control', taken);
      // Sent while the page's app had the thread, so in `messaging`, but delivered after the take.
      await t.handle({ kind: 'message', mid: 'm_late', text: 'one more thing', attachments: [], timestamp: sentAt });
      expect(await t.conversation()).toMatchObject({ thread_elsewhere_since: t.time.now });
      expect(await t.routing()).toBe('paused');
      expect(await t.answered()).toEqual(['bot: hello']);
    });

    it('keeps what it knows of the thread while an agent has the conversation, which stays theirs', async () => {
      const { db } = await open();
      const t = threadOf(db, 30);
      await t.message('hello');
      await db.updateTable('conversations').set({ routing: 'human' }).execute();
      await t.handover('take_thread_control', taken);
      expect(await t.conversation()).toEqual({
        routing: 'human',
        paused_until: null,
        thread_elsewhere_since: t.time.now,
      });
      expect(await t.routing()).toBe('human');
    });
  });
}
