import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { useMigratedDatabase } from '../../test/support/databases.ts';
import type { ThreadTake } from '../messenger/thread-taking.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import type { Database } from '../storage/schema.ts';
import { createHttpApp } from './build-app.ts';
import { conversationRoutes } from './conversation-routes.ts';

/** The routes' hooks, doing nothing; a take of the thread Graph would refuse. */
const quiet = {
  wake() {},
  changed() {},
  announce() {},
  takeThread: async () => ({ ok: false as const, error: 'no Graph here' }),
};

describe('the conversation list API', () => {
  const open = useMigratedDatabase('sqlite');

  it('answers every conversation `ids` names, past the default page of 50', async () => {
    const { db } = await open();
    const store = createConversationStore(db, createBatchedWrites(db));
    const ids: string[] = [];
    for (let i = 0; i < 60; i++)
      ids.push((await store.openConversation('page-1', `person-${i}`, 1_000 + i)).conversation.id);
    const app = createHttpApp(pino({ level: 'silent' }));
    await app.register(conversationRoutes, { ...quiet, db, store, now: () => 2_000 });
    try {
      const answer = await app.inject({ method: 'GET', url: `/api/conversations?ids=${ids.join(',')}` });
      expect(answer.json().data).toHaveLength(60);
      const paged = await app.inject({ method: 'GET', url: `/api/conversations?ids=${ids.join(',')}&limit=10` });
      expect(paged.json().data).toHaveLength(10);
    } finally {
      await app.close();
    }
  });

  it('refuses a cursor whose time is empty or not a number, instead of answering an empty page', async () => {
    const { db } = await open();
    const store = createConversationStore(db, createBatchedWrites(db));
    const { conversation } = await store.openConversation('page-1', 'person-1', 1_000);
    const app = createHttpApp(pino({ level: 'silent' }));
    await app.register(conversationRoutes, { ...quiet, db, store, now: () => 2_000 });
    try {
      for (const before of ['', '%20', '1.5', '1e3', '0x10', '-1']) {
        const url = `/api/conversations?before=${before}&before_id=${conversation.id}`;
        const answer = await app.inject({ method: 'GET', url });
        expect([answer.statusCode, answer.json().error?.code], before).toEqual([400, 'SB_BAD_REQUEST']);
        expect(answer.json().error.message, before).toMatch(/last_message_at, in digits/);
      }
      const next = await app.inject({ method: 'GET', url: `/api/conversations?before=5000&before_id=zz` });
      expect(next.json().data.map((c: { id: string }) => c.id)).toEqual([conversation.id]);
    } finally {
      await app.close();
    }
  });
});

describe('giving a conversation back to the assistant', () => {
  const open = useMigratedDatabase('sqlite');

  /** A conversation stored as `changes` say, and routes whose takes of the thread Graph answers with `answer`. */
  async function given(
    changes: Record<string, unknown>,
    answer: ThreadTake = { ok: true },
    whileGraphAnswers: (db: Kysely<Database>) => Promise<unknown> = async () => {},
  ) {
    const { db } = await open();
    const store = createConversationStore(db, createBatchedWrites(db));
    const { conversation } = await store.openConversation('page-1', 'person-1', 1_000);
    await db.updateTable('conversations').set(changes).where('id', '=', conversation.id).execute();
    const takes: unknown[] = [];
    const takeThread = async (input: unknown) => {
      takes.push(input);
      await whileGraphAnswers(db);
      return answer;
    };
    const app = createHttpApp(pino({ level: 'silent' }));
    await app.register(conversationRoutes, { ...quiet, db, store, takeThread, now: () => 2_000 });
    const giveBack = () =>
      app.inject({ method: 'POST', url: `/api/conversations/${conversation.id}/routing`, payload: { routing: 'bot' } });
    const shown = async () => (await app.inject({ method: 'GET', url: '/api/conversations' })).json().data[0];
    const stored = () =>
      db
        .selectFrom('conversations')
        .select(['routing', 'paused_until', 'thread_elsewhere_since'])
        .executeTakeFirstOrThrow();
    return { app, takes, giveBack, shown, stored };
  }

  for (const routing of ['paused', 'human', 'bot']) {
    it(`takes the thread back first from the app that holds it, routing ${routing}, and the assistant answers`, async () => {
      const t = await given({
        routing,
        paused_until: routing === 'paused' ? 1_500 : null,
        thread_elsewhere_since: 1_200,
      });
      try {
        // Paused until the thread comes back, though the pause for a reply typed in the Page Inbox ran out at 1,500.
        if (routing !== 'human')
          expect(await t.shown()).toMatchObject({
            routing: 'paused',
            paused_until: null,
            thread_elsewhere_since: 1_200,
          });
        const answer = await t.giveBack();
        expect(answer.statusCode).toBe(200);
        expect(answer.json().data).toMatchObject({ routing: 'bot', paused_until: null, thread_elsewhere_since: null });
        expect(t.takes).toEqual([{ pageId: 'page-1', personId: 'person-1' }]);
        expect(await t.stored()).toEqual({ routing: 'bot', paused_until: null, thread_elsewhere_since: null });
        expect(await t.shown()).toMatchObject({ routing: 'bot' });
      } finally {
        await t.app.close();
      }
    });
  }

  it('keeps a take of the thread handled while Graph answered its own: the thread went elsewhere again', async () => {
    // The Page Inbox took it once more right after Graph gave it back, and processing handled its webhook meanwhile.
    const t = await given(
      { routing: 'paused', paused_until: null, thread_elsewhere_since: 1_200 },
      { ok: true },
      (db) => db.updateTable('conversations').set({ thread_elsewhere_since: 1_900 }).execute(),
    );
    try {
      const answer = await t.giveBack();
      expect(answer.statusCode).toBe(200);
      // The answer says who has it now, as the list does: paused, not the bot asked for.
      expect(answer.json().data).toMatchObject({ routing: 'paused', thread_elsewhere_since: 1_900 });
      expect(await t.stored()).toEqual({ routing: 'bot', paused_until: null, thread_elsewhere_since: 1_900 });
      expect(await t.shown()).toMatchObject({ routing: 'paused', thread_elsewhere_since: 1_900 });
    } finally {
      await t.app.close();
    }
  });

  it('changes nothing when Graph refuses to give the thread back, and says why', async () => {
    const t = await given(
      { routing: 'paused', paused_until: null, thread_elsewhere_since: 1_200 },
      { ok: false, error: '(#10/2018300) No permission to take the thread' },
    );
    try {
      const answer = await t.giveBack();
      expect(answer.statusCode).toBe(502);
      expect(answer.json().error).toEqual({
        code: 'SB_THREAD_NOT_TAKEN',
        message: expect.stringMatching(
          /did not give the thread back.*: \(#10\/2018300\) No permission to take the thread$/,
        ),
      });
      expect(await t.stored()).toEqual({ routing: 'paused', paused_until: null, thread_elsewhere_since: 1_200 });
    } finally {
      await t.app.close();
    }
  });

  it('takes nothing when the page’s app holds the thread: a pause for a Page Inbox reply just ends', async () => {
    const t = await given({ routing: 'paused', paused_until: 5_000 }, { ok: false, error: 'not to be called' });
    try {
      expect(await t.shown()).toMatchObject({ routing: 'paused', paused_until: 5_000, thread_elsewhere_since: null });
      expect((await t.giveBack()).statusCode).toBe(200);
      expect(t.takes).toEqual([]);
      expect(await t.stored()).toEqual({ routing: 'bot', paused_until: null, thread_elsewhere_since: null });
    } finally {
      await t.app.close();
    }
  });
});
