import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import type { ConversationService } from '../conversations/conversation-service.ts';
import type { InboundEvent } from '../conversations/inbound-event.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import { insertInboundEvents, type StoredInboundEvent } from '../storage/inbound-event-repository.ts';
import { replayDead } from '../storage/replay.ts';
import { createInboundWorker } from './inbound-worker.ts';

const PAGE = '104857392018475';

/** A promise and the function that resolves it. */
function signal() {
  let fire: () => void = () => {};
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

function message(person: number, n: number): InboundEvent {
  return {
    kind: 'message',
    page_id: PAGE,
    user_id: `psid-${person}`,
    key: `m_${person}_${n}`,
    mid: `m_${person}_${n}`,
    timestamp: 1_700_000_000_000 + n,
    text: `${person}:${n}`,
    attachments: [],
    standby: false,
  } as unknown as InboundEvent;
}

for (const kind of DATABASES) {
  describe(`inbound worker on ${kind}: a backlog larger than memory holds`, () => {
    const open = useMigratedDatabase(kind);

    /** A fresh database, and a worker whose service records what it handled, takes a turn of the loop and settles. */
    async function start(maxHeld: number) {
      const { db } = await open();
      const handled: string[] = [];
      const service = {
        async handle(stored: StoredInboundEvent) {
          await new Promise((resolve) => setImmediate(resolve));
          handled.push((stored.event as { text: string }).text);
          await db.updateTable('inbound_events').set({ status: 'done' }).where('id', '=', stored.id).execute();
        },
      } as unknown as ConversationService;
      const logger = pino({ level: 'silent' });
      const worker = createInboundWorker({ db, service, clock: { now: Date.now }, logger, maxHeld });
      return { db, handled, worker };
    }

    it('keeps at most maxHeld events in memory, reads the rest back in order, and handles each once', async () => {
      const { db, handled, worker } = await start(8);
      const rounds: StoredInboundEvent[][] = [];
      for (let n = 0; n < 12; n++) {
        rounds.push(
          (await insertInboundEvents(
            db,
            [0, 1, 2, 3, 4].map((p) => message(p, n)),
            Date.now(),
          )) as StoredInboundEvent[],
        );
      }
      // Delivered faster than handled: without the bound, all 60 would wait in memory.
      let maxDepth = 0;
      for (const round of rounds) {
        worker.enqueue(round);
        maxDepth = Math.max(maxDepth, worker.depth);
      }
      const watch = setInterval(() => {
        maxDepth = Math.max(maxDepth, worker.depth);
      }, 0);
      await worker.idle();
      clearInterval(watch);

      expect(maxDepth).toBeLessThanOrEqual(8);
      expect(handled).toHaveLength(60);
      expect(new Set(handled).size).toBe(60);
      for (let p = 0; p < 5; p++) {
        const mine = handled.filter((t) => t.startsWith(`${p}:`)).map((t) => Number(t.split(':')[1]));
        expect(mine).toEqual([...Array(12).keys()]);
      }
      const pending = await db.selectFrom('inbound_events').select('id').where('status', '=', 'pending').execute();
      expect(pending).toHaveLength(0);
    });

    it('hands events stored while it resumes over after the stored ones, in order (a process taking the lock over)', async () => {
      const { db, handled, worker } = await start(100);
      for (let n = 0; n < 3; n++) await insertInboundEvents(db, [message(0, n)], Date.now());
      worker.holdBack();
      // Stored and handed over by this process's webhook before the resume read the backlog.
      worker.enqueue((await insertInboundEvents(db, [message(0, 3)], Date.now())) as StoredInboundEvent[]);
      await worker.resume();
      await worker.idle();
      expect(handled).toEqual(['0:0', '0:1', '0:2', '0:3']);
    });

    it('resumes a stored backlog after a restart, a bounded part at a time', async () => {
      const { db, handled, worker } = await start(6);
      for (let n = 0; n < 10; n++) await insertInboundEvents(db, [message(0, n), message(1, n)], Date.now());

      expect(await worker.resume()).toBe(6);
      await worker.idle();

      expect(handled).toHaveLength(20);
      expect(handled.filter((t) => t.startsWith('1:'))).toEqual([...Array(10).keys()].map((n) => `1:${n}`));
    });
  });

  describe(`inbound worker on ${kind}: an event handed over twice`, () => {
    const open = useMigratedDatabase(kind);

    it('has one turn: the webhook’s hand-over arriving after the event was read back and handled runs nothing, and a run the worker forgot writes nothing', async () => {
      const { db } = await open();
      const store = createConversationStore(db, createBatchedWrites(db));
      let turns = 0;
      const service = {
        async handle(stored: StoredInboundEvent) {
          turns++;
          const { conversation } = await store.openConversation(PAGE, stored.event.user_id as string, Date.now());
          const incoming = { direction: 'in', author: 'contact', content: {}, status: 'received' } as const;
          await store.commitTurn(
            { event_id: stored.id, event_status: 'done', incoming, conversation: { id: conversation.id, changes: {} } },
            Date.now(),
          );
        },
      } as unknown as ConversationService;
      const newWorker = () =>
        createInboundWorker({ db, service, clock: { now: Date.now }, logger: pino({ level: 'silent' }) });
      const worker = newWorker();
      const [stored] = (await insertInboundEvents(db, [message(0, 0)], Date.now())) as StoredInboundEvent[];

      // A replay's resume reads the event back and handles it before the webhook's own hand-over of it arrives.
      expect(await worker.resume()).toBe(1);
      await worker.idle();
      worker.enqueue([stored as StoredInboundEvent]);
      await worker.idle();
      expect(turns).toBe(1);
      // Another worker (another process) that never saw it handled runs it again: its turn's claim writes nothing.
      const another = newWorker();
      another.enqueue([stored as StoredInboundEvent]);
      await another.idle();

      expect(turns).toBe(2);
      const messages = await db.selectFrom('messages').select('id').execute();
      expect(messages).toHaveLength(1);
      const events = await db.selectFrom('inbound_events').select(['status', 'attempts', 'error']).execute();
      expect(events).toEqual([{ status: 'done', attempts: 0, error: null }]);
    });
  });

  describe(`inbound worker on ${kind}: failures`, () => {
    const open = useMigratedDatabase(kind);
    const logger = pino({ level: 'silent' });

    it('a second run that fails after the first committed leaves the event done: no retry, no second turn', async () => {
      const { db } = await open();
      const [stored] = (await insertInboundEvents(db, [message(0, 0)], Date.now())) as StoredInboundEvent[];
      let runs = 0;
      const service = {
        async handle(event: StoredInboundEvent) {
          runs++;
          // The other run (a resume's) commits its turn while this one is on its way, and this one then fails.
          await db.updateTable('inbound_events').set({ status: 'done' }).where('id', '=', event.id).execute();
          throw new Error('the profile fetch timed out');
        },
      } as unknown as ConversationService;
      const outcomes: string[] = [];
      const worker = createInboundWorker({
        db,
        service,
        clock: { now: Date.now },
        logger,
        retryBaseMs: 1,
        onProcessed: (_e, outcome) => outcomes.push(outcome),
      });
      worker.enqueue([stored as StoredInboundEvent]);
      await worker.idle();

      expect(runs).toBe(1);
      expect(outcomes).toEqual([]);
      const events = await db.selectFrom('inbound_events').select(['status', 'attempts', 'error']).execute();
      expect(events).toEqual([{ status: 'done', attempts: 0, error: null }]);
    });

    it('keeps an event whose failure cannot be recorded at the head of its lane: a later one never overtakes it', async () => {
      const { db } = await open();
      const [first, second] = (await insertInboundEvents(
        db,
        [message(0, 0), message(0, 1)],
        Date.now(),
      )) as StoredInboundEvent[];
      const handled: string[] = [];
      /** Every event the worker tried while the database was down, in order. */
      const tried: string[] = [];
      let databaseDown = true;
      const service = {
        async handle(event: StoredInboundEvent) {
          if (databaseDown) {
            tried.push((event.event as { text: string }).text);
            throw new Error('the database is unreachable');
          }
          handled.push((event.event as { text: string }).text);
          await db.updateTable('inbound_events').set({ status: 'done' }).where('id', '=', event.id).execute();
        },
      } as unknown as ConversationService;
      // The worker's own writes fail too while the database is down.
      const failingDb = new Proxy(db, {
        get: (target, key, receiver) =>
          key === 'updateTable' && databaseDown
            ? () => {
                throw new Error('the database is unreachable');
              }
            : Reflect.get(target, key, receiver),
      });
      const worker = createInboundWorker({
        db: failingDb,
        service,
        clock: { now: Date.now },
        logger,
        maxAttempts: 2,
        retryBaseMs: 1,
      });
      worker.enqueue([first, second] as StoredInboundEvent[]);
      // Past maxAttempts (2): a recorded failure would have made it dead by now.
      await vi.waitFor(() => expect(tried.length).toBeGreaterThanOrEqual(3), { timeout: 5_000, interval: 5 });
      expect(new Set(tried)).toEqual(new Set(['0:0']));
      expect(handled).toEqual([]);
      expect(worker.depth).toBe(2);

      databaseDown = false;
      await worker.idle();
      expect(handled).toEqual(['0:0', '0:1']);
    });
  });

  describe(`inbound worker on ${kind}: a dead event`, () => {
    const open = useMigratedDatabase(kind);

    it.each(['resume', 'sweep'] as const)(
      'is not run again by a read that saw it pending before it went dead, and runs once replayed (%s)',
      async (pickUp) => {
        const { db } = await open();
        const store = createConversationStore(db, createBatchedWrites(db));
        const [stored] = (await insertInboundEvents(db, [message(0, 0)], Date.now())) as StoredInboundEvent[];
        // Holds back the worker's reads of pending events, once armed, until `release` is called.
        const gate = { armed: false, read: signal(), release: signal() };
        /** Selects that began while the gate was armed give their rows once the gate is released. */
        const held = <T extends object>(builder: T): T =>
          new Proxy(builder, {
            get(target, key) {
              const value = Reflect.get(target, key);
              if (typeof value !== 'function') return value;
              if (key === 'execute')
                return async () => {
                  const armed = gate.armed;
                  const rows = await value.call(target);
                  if (armed) {
                    gate.read.fire();
                    await gate.release.promise;
                  }
                  return rows;
                };
              return (...args: unknown[]) => {
                const next = value.apply(target, args);
                return typeof next === 'object' && next !== null && 'execute' in next ? held(next) : next;
              };
            },
          });
        const readsHeld = new Proxy(db, {
          get(target, key) {
            if (key === 'selectFrom')
              return (...args: Parameters<typeof db.selectFrom>) => held(target.selectFrom(...args));
            const value = Reflect.get(target, key);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        let runs = 0;
        let resumed: Promise<number> | undefined;
        const service = {
          async handle(event: StoredInboundEvent) {
            runs++;
            if (runs === 1) {
              // Its last attempt fails while a read of the pending events is under way, and has seen it pending.
              gate.armed = true;
              resumed = worker.resume();
              await gate.read.promise;
              gate.armed = false;
              throw new Error('the assistant is down');
            }
            const { conversation } = await store.openConversation(PAGE, event.event.user_id as string, Date.now());
            const incoming = { direction: 'in', author: 'contact', content: {}, status: 'received' } as const;
            await store.commitTurn(
              {
                event_id: event.id,
                event_status: 'done',
                incoming,
                conversation: { id: conversation.id, changes: {} },
              },
              Date.now(),
            );
          },
        } as unknown as ConversationService;
        const outcomes: string[] = [];
        const worker = createInboundWorker({
          db: readsHeld,
          service,
          clock: { now: Date.now },
          logger: pino({ level: 'silent' }),
          maxAttempts: 1,
          onProcessed: (_e, outcome) => outcomes.push(outcome),
        });
        const status = async () =>
          (await db.selectFrom('inbound_events').select('status').executeTakeFirstOrThrow()).status;

        worker.enqueue([stored as StoredInboundEvent]);
        await vi.waitFor(() => expect(outcomes).toEqual(['dead']), { timeout: 5_000, interval: 5 });
        gate.release.fire(); // The read goes on with what it saw: the event pending.
        await resumed;
        await worker.idle();
        expect(runs).toBe(1);
        expect(await status()).toBe('dead');

        await replayDead(db, { outbox: false, events: true }, Date.now());
        if (pickUp === 'resume') await worker.resume();
        else expect(await worker.sweep(Date.now() + 60_000)).toBe(true);
        await worker.idle();
        expect(runs).toBe(2);
        expect(await status()).toBe('done');
      },
    );
  });

  describe(`inbound worker on ${kind}: the sweep`, () => {
    const open = useMigratedDatabase(kind);

    it('finds an event nothing holds behind more than a page of older ones held in memory (a retry’s back-off)', async () => {
      const { db } = await open();
      const handled: string[] = [];
      const service = {
        async handle(stored: StoredInboundEvent) {
          const text = (stored.event as { text: string }).text;
          // The first person's first event fails: its lane waits out a long back-off, holding all their events.
          if (text === '0:0') throw new Error('the assistant is down');
          handled.push(text);
          await db.updateTable('inbound_events').set({ status: 'done' }).where('id', '=', stored.id).execute();
        },
      } as unknown as ConversationService;
      const worker = createInboundWorker({
        db,
        service,
        clock: { now: Date.now },
        logger: pino({ level: 'silent' }),
        retryBaseMs: 600_000,
      });
      const held = (await insertInboundEvents(
        db,
        [...Array(1100).keys()].map((n) => message(0, n)),
        Date.now(),
      )) as StoredInboundEvent[];
      worker.enqueue(held);
      // Stored after them, and never handed over (its hand-over was lost with its commit's answer).
      await insertInboundEvents(db, [message(1, 0)], Date.now());

      expect(await worker.sweep(Date.now() + 60_000)).toBe(true);
      await vi.waitFor(
        () => {
          expect(handled).toEqual(['1:0']);
          expect(worker.depth).toBe(1100);
        },
        { timeout: 5_000, interval: 5 },
      );
      await worker.stop();
    });
  });

  describe(`inbound worker on ${kind}: echoes`, () => {
    const open = useMigratedDatabase(kind);

    it('settles the sends echoes prove at once, though their person’s lane is busy with a long turn', async () => {
      const { db } = await open();
      let finishTurn: (() => void) | undefined;
      const settled: string[] = [];
      const service = {
        handle: (stored: StoredInboundEvent) =>
          stored.event.kind === 'echo' ? Promise.resolve() : new Promise<void>((r) => (finishTurn = r)),
        async settleStoredEchoes(events: StoredInboundEvent[]) {
          settled.push(...events.map((e) => e.event.key));
          return events.length;
        },
      } as unknown as ConversationService;
      const worker = createInboundWorker({ db, service, clock: { now: Date.now }, logger: pino({ level: 'silent' }) });
      const echo = { ...message(0, 1), kind: 'echo', key: 'm_echo', mid: 'm_echo' } as InboundEvent;
      const stored = (await insertInboundEvents(db, [message(0, 0), echo], Date.now())) as StoredInboundEvent[];
      worker.enqueue(stored);
      // While the turn before it still runs: it has started, and ends only when finishTurn is called.
      await vi.waitFor(
        () => {
          expect(finishTurn).toBeDefined();
          expect(settled).toEqual(['m_echo']);
        },
        { timeout: 5_000, interval: 5 },
      );
      finishTurn?.();
      await worker.idle();
      // An echo with nothing ahead of it is settled in its lane, right away: not twice.
      const [alone] = (await insertInboundEvents(
        db,
        [{ ...echo, key: 'm_echo2', mid: 'm_echo2' } as InboundEvent],
        Date.now(),
      )) as StoredInboundEvent[];
      worker.enqueue([alone as StoredInboundEvent]);
      await worker.idle();
      expect(settled).toEqual(['m_echo']);
    });
  });
}
