import pg from 'pg';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import type { StoredInboundEvent } from '../storage/inbound-event-repository.ts';
import { createLeaderProcessing, WORK_CHANNEL } from './leader.ts';
import type { Processing } from './processing.ts';

/** A processing that records what it is handed; `resume` fails, or waits for `resumeUntil`, when told to. */
function recordingProcessing(o: { failResume?: boolean; resumeUntil?: Promise<void>; stopMs?: number } = {}) {
  const seen = {
    enqueued: [] as string[],
    woken: [] as string[],
    changed: [] as string[],
    resumes: 0,
    stopped: false,
    sentDue: undefined as boolean | undefined,
  };
  const processing: Processing = {
    enqueue: (events) => void seen.enqueued.push(...events.map((e) => e.id)),
    wake: (id) => void seen.woken.push(id),
    conversationChanged: (id) => void seen.changed.push(id),
    async resume() {
      seen.resumes++;
      await o.resumeUntil;
      if (o.failResume) throw new Error('the database refused the resume');
      return { events: 0, conversations: 0 };
    },
    pagesChanged: () => {},
    idle: async () => {},
    depth: 0,
    activeConversations: 0,
    async stop(options) {
      seen.stopped = true;
      seen.sentDue = options?.sendDue ?? true;
      if (o.stopMs) await new Promise((resolve) => setTimeout(resolve, o.stopMs));
    },
  };
  return { processing, seen };
}

/** The processing lock in this test's database: advisory locks are per database, pg_locks lists every one's. */
const OUR_LOCKS =
  "locktype = 'advisory' and classid = $1 and granted and database = (select oid from pg_database where datname = current_database())";

const until = async (what: string, check: () => boolean | Promise<boolean>) => {
  for (let waited = 0; waited < 5000; waited += 20) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('the processing lock’s options', () => {
  const options = (pollMs: number, silenceMs: number) => ({
    // Never reached: the options are refused before any connection.
    databaseUrl: 'postgres://switchboard.invalid/none',
    logger: pino({ level: 'silent' }),
    start: async () => recordingProcessing().processing,
    loadEvents: async () => [],
    loadEarlier: async () => [],
    notify: async () => {},
    pollMs,
    silenceMs,
  });

  it('refuses a silence a live leader could reach between two checks, naming both values and the rule', async () => {
    for (const [pollMs, silenceMs] of [
      [2_000, 1_000],
      [2_000, 2_000],
      [2_000, 5_999],
    ] as const)
      await expect(createLeaderProcessing(options(pollMs, silenceMs))).rejects.toThrow(
        `silenceMs (${silenceMs}) must be 0 (off) or at least 3 times pollMs (${pollMs})`,
      );
  });
});

describe('the processing lock on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const leaders: { stop(): Promise<void> }[] = [];

  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    pool = new pg.Pool({ connectionString: database.url });
  });
  afterEach(async () => {
    for (const leader of leaders.splice(0)) await leader.stop();
    await pool.end();
    await database.drop();
  });

  const lockHolders = async () =>
    (await pool.query<{ n: number }>(`select count(*)::int as n from pg_locks where ${OUR_LOCKS}`, [0x5357])).rows[0]
      ?.n;

  async function leader(
    processing: Processing,
    o: {
      loadMs?: (ids: string[]) => number;
      notifyFails?: () => boolean;
      earlier?: (events: readonly StoredInboundEvent[]) => StoredInboundEvent[];
      pollMs?: number;
      silenceMs?: number;
      logger?: pino.Logger;
    } = {},
  ) {
    const made = await createLeaderProcessing({
      databaseUrl: database.url,
      logger: o.logger ?? pino({ level: 'silent' }),
      start: async () => processing,
      loadEvents: async (ids) => {
        await new Promise((resolve) => setTimeout(resolve, o.loadMs?.(ids) ?? 0));
        return ids.map((id) => ({ id }) as StoredInboundEvent);
      },
      // Events another process stored, its notice of them not heard yet.
      loadEarlier: async (events) => o.earlier?.(events) ?? [],
      // As the gateway's notifier: one statement for the notices of a call, through any connection of the pool.
      notify: async (payloads) => {
        if (o.notifyFails?.()) throw new Error('the pool lost its connection');
        await pool.query('select pg_notify($1, p) from unnest($2::text[]) as p', [WORK_CHANNEL, payloads]);
      },
      pollMs: o.pollMs ?? 30,
      silenceMs: o.silenceMs,
    });
    leaders.push(made);
    return made;
  }

  it('lets one process lead; the others hand it their events and changes, and take over when it stops', async () => {
    const a = recordingProcessing();
    const b = recordingProcessing();
    const first = await leader(a.processing);
    const second = await leader(b.processing);
    expect([first.leads, second.leads]).toEqual([true, false]);
    expect(a.seen.resumes).toBe(1);

    second.enqueue([{ id: 'e1' }, { id: 'e2' }] as StoredInboundEvent[]);
    second.wake('c1');
    second.conversationChanged('c2');
    // Each notice goes through a connection of the pool: they may arrive in any order.
    await until('the hand-over', () => a.seen.enqueued.length + a.seen.woken.length + a.seen.changed.length === 4);
    expect(a.seen).toMatchObject({ enqueued: ['e1', 'e2'], woken: ['c1'], changed: ['c2'] });
    expect(b.seen.enqueued).toEqual([]);

    await first.stop();
    expect(a.seen).toMatchObject({ stopped: true, sentDue: true });
    await until('the second to lead', () => second.leads);
    expect(b.seen.resumes).toBe(1);
    expect(await lockHolders()).toBe(1);
  });

  it('hands over the events of many webhooks in the order they were stored, however long each takes to load', async () => {
    const a = recordingProcessing();
    await leader(a.processing, { loadMs: ([id]) => (id === 'e0' ? 50 : 0) });
    const second = await leader(recordingProcessing().processing);
    const ids = Array.from({ length: 50 }, (_, i) => `e${i}`);
    for (const id of ids) second.enqueue([{ id } as StoredInboundEvent]);
    await until('every event', () => a.seen.enqueued.length === ids.length);
    expect(a.seen.enqueued).toEqual(ids);
  });

  it('hands an event over again, before the later ones, when telling the leader failed', async () => {
    const a = recordingProcessing();
    await leader(a.processing);
    let failures = 1;
    const second = await leader(recordingProcessing().processing, { notifyFails: () => failures-- > 0 });
    // The webhook answers once the first try is over, failed or not: the retry goes on meanwhile.
    await second.enqueue([{ id: 'e1' } as StoredInboundEvent]);
    await second.enqueue([{ id: 'e2' } as StoredInboundEvent]);
    await until('both events', () => a.seen.enqueued.length === 2);
    expect(a.seen.enqueued).toEqual(['e1', 'e2']);
  });

  it('hands its own events to processing after the notices of other processes heard before them', async () => {
    const a = recordingProcessing();
    const first = await leader(a.processing, { loadMs: ([id]) => (id === 'e1' ? 100 : 0) });
    const second = await leader(recordingProcessing().processing);
    // The person's first event, stored by the other process, whose 200 waited for the notice; then her next, here.
    await second.enqueue([{ id: 'e1' } as StoredInboundEvent]);
    // Its notice reaches the leader's session at once; loading its event takes 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 20));
    first.enqueue([{ id: 'e2' } as StoredInboundEvent]);
    await until('both events', () => a.seen.enqueued.length === 2);
    expect(a.seen.enqueued).toEqual(['e1', 'e2']);
  });

  it('hands a person’s event stored by another process, its notice not heard yet, before her next one here', async () => {
    const a = recordingProcessing();
    const first = await leader(a.processing, {
      earlier: (events) => (events[0]?.id === 'e2' ? [{ id: 'e1' } as StoredInboundEvent] : []),
    });
    first.enqueue([{ id: 'e2' } as StoredInboundEvent]);
    await until('both events', () => a.seen.enqueued.length === 2);
    expect(a.seen.enqueued).toEqual(['e1', 'e2']);
  });

  it('stops what it started and lets go of the lock when its resume fails', async () => {
    const failing = recordingProcessing({ failResume: true });
    const made = await leader(failing.processing);
    expect(made.leads).toBe(false);
    expect(failing.seen.stopped).toBe(true);
    await until('the lock to be free', async () => (await lockHolders()) === 0);
  });

  it('stops at once when the connection is lost during a long resume, so that two never lead together', async () => {
    let finishResume: () => void = () => {};
    const slow = recordingProcessing({ resumeUntil: new Promise<void>((resolve) => (finishResume = resolve)) });
    const b = recordingProcessing();
    const starting = leader(slow.processing);
    await until('the resume to begin', () => slow.seen.resumes === 1);
    const second = await leader(b.processing);
    await pool.query(`select pg_terminate_backend(pid) from pg_locks where ${OUR_LOCKS}`, [0x5357]);
    // Stopped while its resume still runs, before the other process takes the lock.
    await until('the slow one to stop', () => slow.seen.stopped);
    await until('the second to lead', () => second.leads);
    finishResume();
    const first = await starting;
    expect(first.leads).toBe(false);
    expect(await lockHolders()).toBe(1);
  });

  it('stops processing when the connection that holds the lock is ended, and another process leads', async () => {
    const a = recordingProcessing();
    const b = recordingProcessing();
    const first = await leader(a.processing);
    const second = await leader(b.processing);
    await pool.query(`select pg_terminate_backend(pid) from pg_locks where ${OUR_LOCKS}`, [0x5357]);
    // It stops; then either process may take the lock again, this one too.
    await until('the first to stop', () => a.seen.stopped);
    // Another process may be sending already: the replies due are left to it.
    expect(a.seen.sentDue).toBe(false);
    await until('someone to lead again', async () => first.leads || second.leads);
    expect(first.leads && second.leads).toBe(false);
    expect(await lockHolders()).toBe(1);
  });

  it('lets another process lead when the leader hangs with its connection up, and stops the hung one as it wakes', async () => {
    const a = recordingProcessing();
    const b = recordingProcessing();
    const logged: { msg: string; err?: { code?: string } }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    // Hung, it says nothing: only the server can see it fall silent.
    const first = await leader(a.processing, { pollMs: 100, silenceMs: 300, logger });
    const second = await leader(b.processing);
    expect([first.leads, second.leads]).toEqual([true, false]);
    // The whole process hangs (SIGSTOP, a paused machine), its connections up; the other process's timers wait too.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 800);
    await until('the second to lead', () => second.leads);
    expect(b.seen.resumes).toBe(1);
    await until('the first to stop', () => a.seen.stopped);
    expect(a.seen.sentDue).toBe(false);
    expect(first.leads).toBe(false);
    expect(await lockHolders()).toBe(1);
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: expect.stringContaining('without a word from this process'),
        err: expect.objectContaining({ code: '57P05' }),
      }),
    );
  });

  it('keeps its session while a long resume runs, so that a live leader is not taken for a hung one', async () => {
    let finishResume: () => void = () => {};
    const slow = recordingProcessing({ resumeUntil: new Promise<void>((resolve) => (finishResume = resolve)) });
    const starting = leader(slow.processing, { silenceMs: 300 });
    await until('the resume to begin', () => slow.seen.resumes === 1);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(slow.seen.stopped).toBe(false);
    finishResume();
    const first = await starting;
    expect(first.leads).toBe(true);
    // Leading, it keeps talking through its checks.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(first.leads).toBe(true);
    expect(await lockHolders()).toBe(1);
  });

  it('keeps the lock while it stops, however long its processing takes to finish', async () => {
    const slow = recordingProcessing({ stopMs: 1000 });
    const first = await leader(slow.processing, { silenceMs: 300, pollMs: 50 });
    const second = await leader(recordingProcessing().processing, { pollMs: 50 });
    expect(first.leads).toBe(true);
    const stopping = first.stop();
    await until('the processing to be stopping', () => slow.seen.stopped);
    await new Promise((resolve) => setTimeout(resolve, 800));
    // Still sending what was due: no other process may lead yet.
    expect(second.leads).toBe(false);
    await stopping;
    await until('the second to lead', () => second.leads);
  });
});
