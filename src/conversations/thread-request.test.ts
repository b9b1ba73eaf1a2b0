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
import { currentRouting, type PageRuntime, type ThreadPass } from './ports.ts';
import { createMemoryRateLimiter } from './rate-limiter.ts';
import { PASS_NOTE } from './thread-request.ts';

const PAGE = { id: 'page-1', app_id: 'app-1', settings: defaultPageSettings } as PageRuntime;
const INBOX = 'inbox-app';
const MINUTE = 60_000;

for (const kind of DATABASES) {
  describe(`conversation service on ${kind}: another app asks for the thread`, () => {
    const open = useMigratedDatabase(kind);

    /** A service whose thread passes answer `answer`, with the calls and the warnings it logged. */
    function requesting(db: Kysely<Database>, answer: ThreadPass = { status: 'passed' }, page = PAGE) {
      const passes: unknown[] = [];
      const warnings: unknown[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
      const store = createConversationStore(db, createBatchedWrites(db));
      const service = createConversationService({
        store,
        pages: (id: string) => (id === page.id ? page : undefined),
        assistantFor: () => ({ kind: 'flow', reply: async () => ({ responses: [] }) }),
        renderer: { render: () => [] },
        profiles: { fetchProfile: async () => ({ status: 'none' as const }) },
        threads: {
          passThread: async (input) => {
            passes.push(input);
            return answer;
          },
          appName: (appId) => (appId === INBOX ? 'the Page Inbox' : `app ${appId}`),
        },
        rateLimiter: createMemoryRateLimiter(),
        clock: { now: Date.now },
        logger,
      } as ConversationServiceDeps);
      let n = 0;
      const request = async (detail: Record<string, unknown>, standby = false) => {
        const event = {
          kind: 'handover',
          action: 'request_thread_control',
          detail,
          page_id: PAGE.id,
          user_id: 'psid-1',
          key: `h:${++n}`,
          timestamp: Date.now(),
          standby,
        };
        const [stored] = await insertInboundEvents(db, [event as InboundEvent], Date.now());
        await service.handle(stored as StoredEvent);
        return (stored as StoredEvent).id;
      };
      /** The conversation, with a bot reply queued and not sent. */
      const opened = async (changes: Record<string, unknown> = {}) => {
        const { conversation } = await store.openConversation(PAGE.id, 'psid-1', Date.now());
        if (Object.keys(changes).length > 0)
          await db.updateTable('conversations').set(changes).where('id', '=', conversation.id).execute();
        await store.queueOutgoing(
          {
            conversation_id: conversation.id,
            page_id: PAGE.id,
            recipient_id: 'psid-1',
            author: 'bot',
            steps: [{ kind: 'message', message: { text: 'later' }, preview: 'later' }],
          },
          Date.now(),
        );
      };
      const state = () =>
        db
          .selectFrom('conversations')
          .select(['routing', 'paused_until', 'thread_elsewhere_since', 'flagged', 'flag_reason'])
          .executeTakeFirstOrThrow();
      const outbox = async () => (await db.selectFrom('outbox').select('status').execute()).map((r) => r.status);
      const eventStatus = async (id: string) =>
        (await db.selectFrom('inbound_events').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
      return { request, opened, state, outbox, eventStatus, passes, warnings };
    }

    it('passes the thread while the bot has the conversation, and pauses the bot, its unsent replies cancelled', async () => {
      const { db } = await open();
      const t = requesting(db);
      await t.opened();
      const before = Date.now();
      const id = await t.request({ requested_owner_app_id: INBOX, metadata: 'Sam would like to answer' });
      expect(t.passes).toEqual([{ pageId: PAGE.id, personId: 'psid-1', appId: INBOX, note: PASS_NOTE }]);
      const state = await t.state();
      expect(state).toMatchObject({ routing: 'paused', flagged: 0, flag_reason: null });
      expect(state.paused_until).toBeGreaterThanOrEqual(
        before + defaultPageSettings.human_reply_pause_minutes * MINUTE,
      );
      // Until the thread comes back, whatever the pause's minutes.
      expect(state.thread_elsewhere_since).toBeGreaterThanOrEqual(before);
      expect(currentRouting(state, Date.now() + 7 * 24 * 60 * MINUTE)).toBe('paused');
      expect(await t.outbox()).toEqual(['cancelled']);
      expect(await t.eventStatus(id)).toBe('done');
    });

    it('pauses the bot until the thread comes back when the page sets no pause too', async () => {
      const { db } = await open();
      const page = { ...PAGE, settings: { ...defaultPageSettings, human_reply_pause_minutes: 0 } };
      const t = requesting(db, { status: 'passed' }, page);
      await t.opened();
      await t.request({ requested_owner_app_id: INBOX });
      const state = await t.state();
      expect(state).toMatchObject({ routing: 'bot', paused_until: null, thread_elsewhere_since: expect.any(Number) });
      expect(currentRouting(state, Date.now())).toBe('paused');
      expect(await t.outbox()).toEqual(['cancelled']);
    });

    it('passes the thread during a pause too, which starts afresh', async () => {
      const { db } = await open();
      const t = requesting(db);
      await t.opened({ routing: 'paused', paused_until: Date.now() + MINUTE });
      await t.request({ requested_owner_app_id: INBOX });
      expect(t.passes).toHaveLength(1);
      expect((await t.state()).paused_until).toBeGreaterThan(Date.now() + 2 * MINUTE);
    });

    it('does not pass the thread while an agent has the conversation: the request is flagged for the team', async () => {
      const { db } = await open();
      const t = requesting(db);
      await t.opened({ routing: 'human' });
      await t.request({ requested_owner_app_id: INBOX });
      expect(t.passes).toEqual([]);
      expect(await t.state()).toMatchObject({
        routing: 'human',
        flagged: 1,
        flag_reason: 'thread_requested: the Page Inbox asked for the conversation (not passed: an agent has it here)',
      });
      // Nothing queued is cancelled: no pause began.
      expect(await t.outbox()).toEqual(['pending']);
    });

    it('keeps the reason of a flag that stands when the request comes while an agent has the conversation', async () => {
      const { db } = await open();
      const t = requesting(db);
      await t.opened({ routing: 'human', flagged: 1, flag_reason: 'angry on the phone: call back' });
      await t.request({ requested_owner_app_id: 'crm-app' });
      expect(await t.state()).toMatchObject({ flagged: 1, flag_reason: 'angry on the phone: call back' });
    });

    it('leaves the conversation with the bot when the pass is refused, flagged and logged with the error', async () => {
      const { db } = await open();
      const t = requesting(db, { status: 'failed', error: '(#10/2018300) No permission' });
      await t.opened();
      const id = await t.request({ requested_owner_app_id: INBOX });
      expect(await t.state()).toMatchObject({
        routing: 'bot',
        flagged: 1,
        flag_reason:
          'thread_requested: the Page Inbox asked for the conversation (not passed, the assistant kept it: (#10/2018300) No permission)',
      });
      expect(await t.outbox()).toEqual(['pending']);
      expect(await t.eventStatus(id)).toBe('done');
      expect(t.warnings).toContainEqual(
        expect.objectContaining({ pageId: PAGE.id, requestedBy: INBOX, error: '(#10/2018300) No permission' }),
      );
    });

    it('pauses the bot until the thread comes back, flagged, when the pass is refused because a third app has it', async () => {
      const { db } = await open();
      const error = '(#100/2018234) This app has secondary visibility only';
      const t = requesting(db, { status: 'elsewhere', owner: 'crm-app', error });
      await t.opened();
      const before = Date.now();
      const id = await t.request({ requested_owner_app_id: INBOX });
      const state = await t.state();
      expect(state).toMatchObject({
        routing: 'paused',
        flagged: 1,
        flag_reason: `thread_requested: the Page Inbox asked for the conversation (not passed, app crm-app has it: ${error})`,
      });
      expect(state.thread_elsewhere_since).toBeGreaterThanOrEqual(before);
      expect(currentRouting(state, Date.now() + 7 * 24 * 60 * MINUTE)).toBe('paused');
      expect(await t.outbox()).toEqual(['cancelled']);
      expect(await t.eventStatus(id)).toBe('done');
      expect(t.warnings).toContainEqual(expect.objectContaining({ requestedBy: INBOX, owner: 'crm-app', error }));
    });

    it('writes nothing when the pass fails for the moment, so the event is tried again', async () => {
      const { db } = await open();
      const t = requesting(db, { status: 'retry', error: '(#2) Service temporarily unavailable' });
      await t.opened();
      await expect(t.request({ requested_owner_app_id: INBOX })).rejects.toThrow(/Service temporarily unavailable/);
      expect(await t.state()).toMatchObject({ routing: 'bot', flagged: 0 });
      expect(await t.outbox()).toEqual(['pending']);
      const [event] = await db.selectFrom('inbound_events').select('status').execute();
      expect(event?.status).toBe('pending');
    });

    it('ignores a request on standby, one of its own app, and one that names no app', async () => {
      const { db } = await open();
      const t = requesting(db);
      await t.opened();
      const ids = [
        await t.request({ requested_owner_app_id: INBOX }, true),
        await t.request({ requested_owner_app_id: PAGE.app_id }),
        await t.request({ metadata: 'who?' }),
      ];
      expect(t.passes).toEqual([]);
      for (const id of ids) expect(await t.eventStatus(id)).toBe('ignored');
      expect(await t.state()).toMatchObject({ routing: 'bot', flagged: 0 });
    });
  });
}
