import type { Kysely } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { storePendingEvent } from '../../test/support/pending-event.ts';
import type { AssistantTurn } from '../assistants/assistant.ts';
import { defaultPageSettings } from '../config/page-settings.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import { insertInboundEvents, loadHandledTurnsSince } from '../storage/inbound-event-repository.ts';
import type { Database } from '../storage/schema.ts';
import { type ConversationServiceDeps, createConversationService, type StoredEvent } from './conversation-service.ts';
import type { InboundEvent } from './inbound-event.ts';
import type { PageRuntime } from './ports.ts';
import { createMemoryRateLimiter, KEPT_MS as RATE_LIMIT_KEPT_MS } from './rate-limiter.ts';

const PAGE = { id: 'page-1', app_id: 'app-1' } as PageRuntime;

/** A service on `db` with quiet defaults (no output rendered, no profiles, a silent log), `deps` over them. */
function serviceOn(db: Kysely<Database>, deps: Partial<ConversationServiceDeps>) {
  return createConversationService({
    store: createConversationStore(db, createBatchedWrites(db)),
    pages: (id: string) => (id === PAGE.id ? { ...PAGE, settings: defaultPageSettings } : undefined),
    renderer: { render: () => [] },
    profiles: { fetchProfile: async () => ({ status: 'none' as const }) },
    rateLimiter: createMemoryRateLimiter(),
    clock: { now: Date.now },
    logger: pino({ level: 'silent' }),
    ...deps,
  } as ConversationServiceDeps);
}

for (const kind of DATABASES) {
  describe(`conversation service on ${kind}: echoes stored before a restart`, () => {
    const open = useMigratedDatabase(kind);

    it('settle the sends they prove before anything is sent, and only those of our own app', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      const { conversation } = await store.openConversation(PAGE.id, 'psid-1', Date.now());
      const queue = async (text: string) => {
        const {
          rows: [row],
        } = await store.commitTurn(
          {
            event_id: await storePendingEvent(db),
            event_status: 'done',
            outgoing: {
              conversation_id: conversation.id,
              page_id: PAGE.id,
              recipient_id: 'psid-1',
              author: 'bot',
              steps: [{ kind: 'message', message: { text }, preview: text }],
            },
          },
          Date.now(),
        );
        return row?.id as string;
      };
      const ours = await queue('ours');
      const theirs = await queue('theirs');
      const echo = (outboxId: string, appId: string): StoredEvent => ({
        id: `e-${outboxId}`,
        received_at: Date.now(),
        event: {
          kind: 'echo',
          page_id: PAGE.id,
          user_id: 'psid-1',
          key: `m_${outboxId}`,
          mid: `m_${outboxId}`,
          app_id: appId,
          metadata: `sb:${outboxId}`,
          attachments: [],
          standby: false,
        } as unknown as InboundEvent,
      });
      const service = createConversationService({
        store,
        pages: (id) => (id === PAGE.id ? PAGE : undefined),
        clock: { now: Date.now },
        logger: pino({ level: 'silent' }),
      } as ConversationServiceDeps);

      // Another app's message that happens to carry metadata like ours proves nothing about our row.
      expect(await service.settleStoredEchoes([echo(ours, PAGE.app_id), echo(theirs, 'another-app')])).toBe(1);

      const rows = await db.selectFrom('outbox').select(['id', 'status', 'external_id']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: ours, status: 'sent', external_id: `m_${ours}` },
        { id: theirs, status: 'pending', external_id: null },
      ]);
    });
  });

  describe(`conversation service on ${kind}: sessions`, () => {
    const open = useMigratedDatabase(kind);
    const MINUTE = 60_000;

    /** A service whose assistant counts the turns of its session, on a clock the test sets. */
    function countingService(db: Kysely<Database>) {
      const time = { now: 0 };
      const turns: AssistantTurn[] = [];
      const service = createConversationService({
        store: createConversationStore(db, createBatchedWrites(db)),
        pages: (id) =>
          id === PAGE.id ? { ...PAGE, settings: { ...defaultPageSettings, session_timeout_minutes: 60 } } : undefined,
        assistantFor: () => ({
          kind: 'flow',
          async reply(turn) {
            turns.push(turn);
            return { responses: [], context: { seen: ((turn.context.seen as number) ?? 0) + 1 } };
          },
        }),
        renderer: { render: () => [] },
        profiles: { fetchProfile: async () => ({ status: 'none' as const }) },
        rateLimiter: createMemoryRateLimiter(),
        clock: { now: () => time.now },
        logger: pino({ level: 'silent' }),
      } as ConversationServiceDeps);
      return { service, turns, time };
    }
    const messageAt = (n: number, wroteAt: number) => {
      const mid = `m_${n}`;
      const event = { kind: 'message', page_id: PAGE.id, user_id: 'psid-1', key: mid, mid, timestamp: wroteAt };
      return { ...event, text: `message ${n}`, attachments: [], standby: false } as InboundEvent;
    };

    it('count from when the message came, not from when it was handled', async () => {
      const { db } = await open();
      const { service, turns, time } = countingService(db);
      let n = 0;
      /** Stores a message written at `wroteAt`, then handles it at `handledAt`. */
      const message = async (wroteAt: number, handledAt: number) => {
        const [stored] = await insertInboundEvents(db, [messageAt(++n, wroteAt)], wroteAt);
        time.now = handledAt;
        await service.handle(stored as StoredEvent);
      };

      await message(0, 0);
      // Written 5 minutes later, handled 2 hours later (processing was down): the same session.
      await message(5 * MINUTE, 120 * MINUTE);
      // Written 2 hours after that one, handled a millisecond after it (a backlog): a new session.
      await message(125 * MINUTE, 120 * MINUTE + 1);
      expect(turns.map((t) => [t.new_session, t.context])).toEqual([
        [true, {}],
        [false, { seen: 1 }],
        [true, {}],
      ]);
    });

    it('count from when the person wrote when Facebook sends a backlog again, all at once, after an outage', async () => {
      const { db } = await open();
      const { service, turns, time } = countingService(db);
      // Written 2 hours apart; stored together at 3 hours, when the gateway could take webhooks again.
      time.now = 180 * MINUTE;
      const stored = await insertInboundEvents(db, [messageAt(1, MINUTE), messageAt(2, 126 * MINUTE)], time.now);
      for (const event of stored) await service.handle(event as StoredEvent);
      expect(turns.map((t) => [t.new_session, t.context])).toEqual([
        [true, {}],
        [true, {}],
      ]);
    });

    it('give a model the history of its own session only, though turns before it were handled late', async () => {
      const { db } = await open();
      let clock = 0;
      const turns: AssistantTurn[] = [];
      const service = serviceOn(db, {
        assistantFor: () => ({
          kind: 'llm',
          historyLength: 20,
          async reply(turn) {
            turns.push(turn);
            return { responses: [{ type: 'text', text: `answer ${turns.length}` }] };
          },
        }),
        renderer: {
          render: (responses) =>
            responses.map((r) => ({ kind: 'message', message: r, preview: r.type === 'text' ? r.text : '' })),
        },
        clock: { now: () => clock },
      });
      let n = 0;
      /** Stores an event that came at `cameAt`, then handles it at `handledAt`. */
      const send = async (event: Record<string, unknown>, cameAt: number, handledAt: number) => {
        const key = `e_${++n}`;
        const base = { page_id: PAGE.id, user_id: 'psid-1', key, timestamp: cameAt, standby: false };
        const [stored] = await insertInboundEvents(db, [{ ...base, ...event } as InboundEvent], cameAt);
        clock = handledAt;
        await service.handle(stored as StoredEvent);
      };
      const text = (words: string) => ({ kind: 'message', mid: `m_${words}`, text: words, attachments: [] });
      const history = (turn: AssistantTurn | undefined) => turn?.history.map((h) => h.text);

      await send(text('hi'), 1_000, 1_000);
      // Get Started came a second after this message, while a slow turn still handled it.
      await send(text('my account number is 12345'), 60_000, 65_000);
      await send({ kind: 'postback', payload: 'GET_STARTED', title: 'Get Started' }, 61_000, 65_001);
      await send(text('hello again'), 70_000, 70_000);

      expect(turns[1]?.new_session).toBe(false);
      expect(history(turns[1])).toEqual(['hi', 'answer 1']);
      expect(turns[2]?.new_session).toBe(true);
      expect(history(turns[2])).toEqual([]);
      expect(history(turns[3])).toEqual(['Get Started', 'answer 3']);
    });

    it('count repeated messages by when they came: a backlog handled at once repeats nothing', async () => {
      const { db } = await open();
      let clock = 0;
      const service = serviceOn(db, {
        assistantFor: () => ({ kind: 'flow', reply: async () => ({ responses: [] }) }),
        clock: { now: () => clock },
      });
      const flagged = async () =>
        (await db.selectFrom('conversations').select('flag_reason').executeTakeFirstOrThrow()).flag_reason;
      let n = 0;
      const message = async (cameAt: number, handledAt: number) => {
        const mid = `m_${++n}`;
        const event = { kind: 'message', page_id: PAGE.id, user_id: 'psid-1', key: mid, mid, timestamp: cameAt };
        const [stored] = await insertInboundEvents(
          db,
          [{ ...event, text: 'where is my parcel', attachments: [], standby: false } as InboundEvent],
          cameAt,
        );
        clock = handledAt;
        await service.handle(stored as StoredEvent);
      };
      // Eleven minutes apart, handled together after processing was down.
      for (const minute of [0, 11, 22]) await message(minute * MINUTE, 23 * MINUTE + minute);
      expect(await flagged()).toBeNull();
      // Three within ten minutes are a repeat, however late they are handled.
      for (const minute of [30, 33, 36]) await message(minute * MINUTE, 90 * MINUTE + minute);
      expect(await flagged()).toMatch(/^repeated_message/);
    });

    it('stop waiting for a slow profile lookup when a shutdown stops waiting for running turns', async () => {
      const { db } = await open();
      const shutdown = new AbortController();
      const service = serviceOn(db, {
        assistantFor: () => ({ kind: 'flow', reply: async () => ({ responses: [] }) }),
        // Graph answers in 30 s at worst: longer than any shutdown may wait.
        profiles: { fetchProfile: () => new Promise(() => {}) },
        shutdown: shutdown.signal,
      });
      const event = {
        kind: 'message',
        page_id: PAGE.id,
        user_id: 'psid-new',
        key: 'm_slow',
        mid: 'm_slow',
        timestamp: 1,
      };
      const [stored] = await insertInboundEvents(
        db,
        [{ ...event, text: 'hello while Graph is slow', attachments: [], standby: false } as InboundEvent],
        Date.now(),
      );
      const handled = service.handle(stored as StoredEvent).then(
        () => 'settled',
        () => 'settled',
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      shutdown.abort(new Error('the gateway is shutting down'));
      const hung = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2_000));
      expect(await Promise.race([handled, hung])).toBe('settled');
      const contact = await db.selectFrom('contacts').select('profile_status').executeTakeFirstOrThrow();
      expect(contact.profile_status).toBe('pending');
    });

    it('restart the assistant on Get Started, but keep what the gateway remembers: the away notice goes once', async () => {
      const { db } = await open();
      const shown: string[] = [];
      const settings = { ...defaultPageSettings, auto_replies: false, away_message: 'We are away.' };
      const service = createConversationService({
        store: createConversationStore(db, createBatchedWrites(db)),
        pages: (id) => (id === PAGE.id ? { ...PAGE, settings, welcome_payload: 'GET_STARTED' } : undefined),
        assistantFor: () => ({
          kind: 'http',
          reply: async () => ({ responses: [] }),
        }),
        renderer: {
          render: (responses) => {
            shown.push(...responses.map((r) => (r.type === 'text' ? r.text : r.type)));
            return [];
          },
        },
        profiles: { fetchProfile: async () => ({ status: 'none' as const }) },
        rateLimiter: createMemoryRateLimiter(),
        clock: { now: () => 1000 },
        logger: pino({ level: 'silent' }),
      } as ConversationServiceDeps);
      const events = [
        { kind: 'message', mid: 'm_away_1', text: 'hello', attachments: [] },
        { kind: 'postback', payload: 'GET_STARTED', title: 'Get Started' },
        { kind: 'message', mid: 'm_away_2', text: 'anyone?', attachments: [] },
      ];
      for (const [n, fields] of events.entries()) {
        const key = `away-${n}`;
        const event = { page_id: PAGE.id, user_id: 'psid-away', key, timestamp: 1000 + n, standby: false, ...fields };
        const [stored] = await insertInboundEvents(db, [event as InboundEvent], 1000 + n);
        await service.handle(stored as StoredEvent);
      }
      expect(shown).toEqual(['We are away.']);
    });

    it('welcome a first message only on flow pages: a bot or a model gets the message itself', async () => {
      const { db } = await open();
      const inputs: Record<string, string[]> = { flow: [], http: [] };
      for (const [n, kind] of (['flow', 'http'] as const).entries()) {
        const service = createConversationService({
          store: createConversationStore(db, createBatchedWrites(db)),
          pages: (id) =>
            id === PAGE.id
              ? { ...PAGE, settings: { ...defaultPageSettings, welcome_on_first_message: true } }
              : undefined,
          assistantFor: () => ({
            kind,
            async reply(turn) {
              inputs[kind]?.push(turn.input.kind);
              return { responses: [] };
            },
          }),
          renderer: { render: () => [] },
          profiles: { fetchProfile: async () => ({ status: 'none' as const }) },
          rateLimiter: createMemoryRateLimiter(),
          clock: { now: () => 0 },
          logger: pino({ level: 'silent' }),
        } as ConversationServiceDeps);
        const mid = `m_first_${n}`;
        const event = { kind: 'message', page_id: PAGE.id, user_id: `psid-${kind}`, key: mid, mid, timestamp: 0 };
        const [stored] = await insertInboundEvents(
          db,
          [{ ...event, text: 'where is my order?', attachments: [], standby: false } as InboundEvent],
          0,
        );
        await service.handle(stored as StoredEvent);
      }
      expect(inputs).toEqual({ flow: ['welcome'], http: ['text'] });
    });
  });

  describe(`conversation service on ${kind}: the rate limit`, () => {
    const open = useMigratedDatabase(kind);

    /** A service whose page allows one event a minute, on a clock the test sets; what its assistant answered. */
    function limitedService(db: Kysely<Database>, options: { failFirstTurn?: boolean } = {}) {
      const time = { now: 0 };
      const answered: string[] = [];
      let failing = options.failFirstTurn ?? false;
      const service = serviceOn(db, {
        pages: (id) =>
          id === PAGE.id ? { ...PAGE, settings: { ...defaultPageSettings, rate_limit_per_minute: 1 } } : undefined,
        assistantFor: () => ({
          kind: 'flow',
          async reply(turn) {
            if (failing) {
              failing = false;
              throw new Error('the database went away mid-turn');
            }
            answered.push(turn.input.kind === 'text' ? turn.input.text : turn.input.kind);
            return { responses: [] };
          },
        }),
        clock: { now: () => time.now },
      });
      /** Stores a person's event (a message by default) that came at `cameAt`; handles it with `handle`. */
      const store = async (body: Record<string, unknown>, cameAt: number) => {
        const key = `e_${cameAt}_${JSON.stringify(body).length}`;
        const event = { page_id: PAGE.id, user_id: 'psid-1', key, timestamp: cameAt, standby: false, ...body };
        const [stored] = await insertInboundEvents(db, [event as InboundEvent], cameAt);
        return stored as StoredEvent;
      };
      const handle = async (stored: StoredEvent, handledAt: number) => {
        time.now = handledAt;
        return service.handle(stored);
      };
      const text = (words: string) => ({ kind: 'message', mid: `m_${words}`, text: words, attachments: [] });
      return { store, handle, text, answered, service, time };
    }
    const inbox = async (db: Kysely<Database>) =>
      (
        await db.selectFrom('messages').select(['text', 'status']).where('direction', '=', 'in').orderBy('id').execute()
      ).map((m) => `${m.text}:${m.status}`);

    it('answers a dead event replayed an hour later by the minute it was written in', async () => {
      const { db } = await open();
      const { store, handle, text, answered } = limitedService(db, { failFirstTurn: true });
      const hour = 3600_000;
      const lost = await store(text('lost'), 0);
      await expect(handle(lost, 0)).rejects.toThrow(/went away/); // Failed for good: a dead event.
      await handle(await store(text('an hour later'), hour), hour);
      // Replayed from the dead letters: its minute held no other event of the person.
      expect(await handle(lost, hour + 1000)).toBeUndefined();
      expect(answered).toEqual(['an hour later', 'lost']);
      expect(await inbox(db)).toEqual(['an hour later:received', 'lost:received']);
    });

    it('counts again what a person was answered before a restart: their limit does not start afresh', async () => {
      const { db } = await open();
      const now = Date.now();
      const before = limitedService(db);
      await before.handle(await before.store(before.text('before the restart'), now), now);
      // Another processing (a restart, a take-over) counts what was handled in the last two minutes.
      const after = limitedService(db);
      const later = now + 10_000;
      after.time.now = later;
      after.service.countAgain(await loadHandledTurnsSince(db, later - RATE_LIMIT_KEPT_MS));
      expect(await after.handle(await after.store(after.text('right after it'), later), later)).toBe('throttled');
      expect(after.answered).toEqual([]);
      expect(await inbox(db)).toEqual(['before the restart:received', 'right after it:throttled']);
    });

    it('does not count what the person wrote while another app had the thread (standby): none of it was answered', async () => {
      const { db } = await open();
      const { store, handle, text, answered } = limitedService(db);
      await handle(await store({ ...text('to the Page Inbox'), standby: true }, 0), 0);
      expect(await handle(await store(text('back with the bot'), 1000), 1000)).toBeUndefined();
      expect(answered).toEqual(['back with the bot']);
      expect(await inbox(db)).toEqual(['to the Page Inbox:received', 'back with the bot:received']);
    });

    it('does not count what the person wrote while people had the conversation: the bot answered none of it', async () => {
      const { db } = await open();
      const { store, handle, text, answered } = limitedService(db);
      const route = (routing: 'bot' | 'human') => db.updateTable('conversations').set({ routing }).execute();
      await handle(await store(text('hi'), 0), 0);
      await route('human');
      expect(await handle(await store(text('my order is late'), 61_000), 61_000)).toBeUndefined();
      expect(await handle(await store(text('it is order 123456'), 62_000), 62_000)).toBeUndefined();
      // Given back to the bot: the minute holds nothing it answered.
      await route('bot');
      expect(await handle(await store(text('back with the bot'), 63_000), 63_000)).toBeUndefined();
      expect(answered).toEqual(['hi', 'back with the bot']);
      expect(await inbox(db)).toEqual([
        'hi:received',
        'my order is late:received',
        'it is order 123456:received',
        'back with the bot:received',
      ]);
    });

    it('flags for the team a person who asks for someone while over the limit, without answering or handing over', async () => {
      const { db } = await open();
      const { store, handle, text, answered } = limitedService(db);
      const flagOf = () =>
        db.selectFrom('conversations').select(['flagged', 'flag_reason', 'routing']).executeTakeFirstOrThrow();
      await handle(await store(text('hi'), 0), 0);
      expect(await handle(await store(text('hello??'), 1000), 1000)).toBe('throttled');
      expect(await flagOf()).toEqual({ flagged: 0, flag_reason: null, routing: 'bot' });
      expect(await handle(await store(text('I want to talk to a human'), 2000), 2000)).toBe('throttled');
      const flagged = {
        flagged: 1,
        flag_reason:
          'asked_for_human: asked for a person while over the rate limit (not answered): “I want to talk to a human”',
        routing: 'bot',
      };
      expect(await flagOf()).toEqual(flagged);
      // Flagged once: a second request keeps the first reason.
      expect(await handle(await store(text('agent please'), 3000), 3000)).toBe('throttled');
      expect(await flagOf()).toEqual(flagged);
      expect(answered).toEqual(['hi']);
      expect(await db.selectFrom('outbox').select('id').execute()).toEqual([]);
      expect(await inbox(db)).toEqual([
        'hi:received',
        'hello??:throttled',
        'I want to talk to a human:throttled',
        'agent please:throttled',
      ]);
    });

    it('keeps every event over the limit in the inbox, an m.me link or an ad saying where the person came from', async () => {
      const { db } = await open();
      const { store, handle, text, answered } = limitedService(db);
      await handle(await store(text('hi'), 0), 0);
      const over = [
        text('again'),
        { kind: 'postback', payload: 'ORDER_STATUS', title: 'Order status' },
        { kind: 'referral', referral: { ref: 'spring-sale', source: 'SHORTLINK', type: 'OPEN_THREAD' } },
        { kind: 'referral', referral: { ref: 'ad-42', source: 'ADS', type: 'OPEN_THREAD', ad_id: '42' } },
      ];
      for (const [i, body] of over.entries()) {
        expect(await handle(await store(body, (i + 1) * 1000), (i + 1) * 1000)).toBe('throttled');
      }
      expect(answered).toEqual(['hi']);
      expect(await inbox(db)).toEqual([
        'hi:received',
        'again:throttled',
        'Order status:throttled',
        'Came from an m.me link (ref spring-sale):throttled',
        'Came from an ad (ref ad-42):throttled',
      ]);
      const [, , , , ad] = await db.selectFrom('messages').select('content').orderBy('id').execute();
      expect(JSON.parse(ad?.content ?? '{}')).toMatchObject({ kind: 'referral', referral: { ad_id: '42' } });
    });
  });

  describe(`conversation service on ${kind}: a failed assistant`, () => {
    const open = useMigratedDatabase(kind);

    it('with nothing to say still gives the person the page’s fallback text, and flags the conversation', async () => {
      const { db } = await open();
      const rendered: unknown[] = [];
      const settings = { ...defaultPageSettings, fallback_text: 'Sorry, a colleague will answer.' };
      const service = createConversationService({
        store: createConversationStore(db, createBatchedWrites(db)),
        pages: (id) => (id === PAGE.id ? { ...PAGE, settings } : undefined),
        assistantFor: () => ({
          kind: 'flow',
          reply: async () => ({ responses: [], failure: { reason: 'flow_loop: "_fallback" runs in a loop' } }),
        }),
        renderer: {
          render: (responses) => {
            rendered.push(...responses);
            return [];
          },
        },
        profiles: { fetchProfile: async () => ({ status: 'none' as const }) },
        rateLimiter: createMemoryRateLimiter(),
        clock: { now: Date.now },
        logger: pino({ level: 'silent' }),
      } as ConversationServiceDeps);
      const event = { kind: 'message', page_id: PAGE.id, user_id: 'psid-1', key: 'm_1', mid: 'm_1', timestamp: 1 };
      const [stored] = await insertInboundEvents(
        db,
        [{ ...event, text: 'hi', attachments: [], standby: false } as InboundEvent],
        Date.now(),
      );
      await service.handle(stored as StoredEvent);
      expect(rendered).toEqual([{ type: 'text', text: 'Sorry, a colleague will answer.' }]);
      const conversation = await db.selectFrom('conversations').select(['flagged', 'flag_reason']).executeTakeFirst();
      expect(conversation).toMatchObject({
        flagged: 1,
        flag_reason: expect.stringMatching(/^assistant_failure: flow_loop/),
      });
      // Asking for a person in a turn the assistant fails: that is what the agent needs to read. (Another person's
      // conversation: one flagged already keeps the reason it was flagged for.)
      const [asking] = await insertInboundEvents(
        db,
        [
          {
            ...event,
            user_id: 'psid-2',
            key: 'm_2',
            mid: 'm_2',
            text: 'can I talk to a human please',
            attachments: [],
            standby: false,
          } as InboundEvent,
        ],
        Date.now(),
      );
      await service.handle(asking as StoredEvent);
      const flags = await db.selectFrom('conversations').select('flag_reason').orderBy('created_at').execute();
      expect(flags).toEqual([
        { flag_reason: expect.stringMatching(/^assistant_failure: /) },
        { flag_reason: expect.stringMatching(/^asked_for_human: /) },
      ]);
    });

    it('cuts an assistant’s own words in a flag to what an agent’s flag may say', async () => {
      const { db } = await open();
      const long = 'why '.repeat(20_000);
      const answers = [
        { responses: [{ type: 'connect_to_agent', reason: long }] },
        { responses: [], failure: { reason: long } },
      ];
      const service = createConversationService({
        store: createConversationStore(db, createBatchedWrites(db)),
        pages: (id: string) => (id === PAGE.id ? { ...PAGE, settings: defaultPageSettings } : undefined),
        assistantFor: () => ({ kind: 'http', reply: async () => answers.shift() }),
        renderer: { render: () => [] },
        profiles: { fetchProfile: async () => ({ status: 'none' as const }) },
        rateLimiter: createMemoryRateLimiter(),
        clock: { now: Date.now },
        logger: pino({ level: 'silent' }),
      } as unknown as ConversationServiceDeps);
      for (const user of ['psid-1', 'psid-2']) {
        const event = { kind: 'message', page_id: PAGE.id, user_id: user, key: user, mid: user, timestamp: 1 };
        const [stored] = await insertInboundEvents(
          db,
          [{ ...event, text: 'hi', attachments: [], standby: false } as InboundEvent],
          Date.now(),
        );
        await service.handle(stored as StoredEvent);
      }
      const flags = await db.selectFrom('conversations').select('flag_reason').orderBy('created_at').execute();
      const cut = `${'why '.repeat(50).slice(0, 199)}…`;
      expect(flags).toEqual([
        { flag_reason: `connect_to_agent: ${cut}` },
        { flag_reason: `assistant_failure: ${cut}` },
      ]);
    });
  });

  describe(`conversation service on ${kind}: a conversation flagged already`, () => {
    const open = useMigratedDatabase(kind);

    /** A service whose assistant runs `during` before it answers (nothing), and a way to send the person's text. */
    function flaggingService(db: Kysely<Database>, during: () => Promise<void> = async () => {}) {
      const service = serviceOn(db, {
        assistantFor: () => ({
          kind: 'flow',
          async reply() {
            await during();
            return { responses: [] };
          },
        }),
      });
      let n = 0;
      const say = async (text: string) => {
        const mid = `m_${++n}`;
        const event = { kind: 'message', page_id: PAGE.id, user_id: 'psid-1', key: mid, mid, timestamp: Date.now() };
        const [stored] = await insertInboundEvents(
          db,
          [{ ...event, text, attachments: [], standby: false } as InboundEvent],
          Date.now(),
        );
        await service.handle(stored as StoredEvent);
      };
      return say;
    }
    const flagOf = (db: Kysely<Database>) =>
      db.selectFrom('conversations').select(['flagged', 'flag_reason']).executeTakeFirstOrThrow();
    const flagByAgent = (db: Kysely<Database>) =>
      db.updateTable('conversations').set({ flagged: 1, flag_reason: 'angry on the phone: call back' }).execute();

    it('keeps the reason an agent flagged it for when the person then asks for someone', async () => {
      const { db } = await open();
      const say = flaggingService(db);
      await say('hello');
      await flagByAgent(db);
      await say('I want to talk to a human');
      expect(await flagOf(db)).toEqual({ flagged: 1, flag_reason: 'angry on the phone: call back' });
    });

    it('keeps the reason of the first automatic flag when another message would flag it again', async () => {
      const { db } = await open();
      const say = flaggingService(db);
      await say('I want to talk to a human');
      const first = await flagOf(db);
      expect(first).toEqual({
        flagged: 1,
        flag_reason: 'asked_for_human: asked for a person: “I want to talk to a human”',
      });
      await say('WHERE IS MY ORDER, THIS IS SHIT');
      expect(await flagOf(db)).toEqual(first);
    });

    it('keeps the reason of a flag raised while the assistant ran, after the turn read the conversation', async () => {
      const { db } = await open();
      let flagMeanwhile = false;
      const say = flaggingService(db, async () => {
        if (flagMeanwhile) await flagByAgent(db);
      });
      await say('hello');
      flagMeanwhile = true;
      await say('agent please');
      expect(await flagOf(db)).toEqual({ flagged: 1, flag_reason: 'angry on the phone: call back' });
    });
  });
}
