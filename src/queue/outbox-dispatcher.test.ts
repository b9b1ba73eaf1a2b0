import { getEventListeners } from 'node:events';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { storePendingEvent } from '../../test/support/pending-event.ts';
import type { Outgoing } from '../conversations/ports.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import { cancelBotSends, type SendContext, sendFailuresSince } from '../storage/outbox-repository.ts';
import { replayDead } from '../storage/replay.ts';
import type { OutboxSend, SendResult } from './channel-sender.ts';
import { createOutboxDispatcher, type OutboxDispatcherOptions } from './outbox-dispatcher.ts';
import { systemTimers, type Timers } from './row-waits.ts';
import { createSendPolicy } from './send-policy.ts';
import type { SendThrottle } from './send-throttle.ts';

const PAGE = 'page-1';

/** Timers on the system clock whose sleeps end only when the test wakes them, or when their signal aborts. */
function manualTimers() {
  const sleeping = new Set<{ ms: number; wake: () => void }>();
  const timers: Timers = {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        const sleeper = {
          ms,
          wake: () => {
            sleeping.delete(sleeper);
            signal?.removeEventListener('abort', sleeper.wake);
            resolve();
          },
        };
        sleeping.add(sleeper);
        signal?.addEventListener('abort', sleeper.wake);
      }),
  };
  return {
    timers,
    /** The sleeps not ended yet. */
    sleeping,
    /** Resolves once `count` sleeps have begun and not ended. */
    asleep: (count = 1) =>
      vi.waitFor(
        () => {
          if (sleeping.size < count) throw new Error(`${sleeping.size} asleep, not ${count}`);
        },
        { timeout: 5000 },
      ),
    wakeAll: () => {
      for (const sleeper of [...sleeping]) sleeper.wake();
    },
  };
}

describe('system timers', () => {
  const timeouts = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

  it('end a sleep when its signal aborts, clearing its timer', async () => {
    const before = timeouts();
    const wait = new AbortController();
    const slept = systemTimers.sleep(60_000, wait.signal);
    expect(timeouts()).toBe(before + 1);
    wait.abort();
    expect(timeouts()).toBe(before);
    await slept;
  });

  it('wait out what is left when the timer fires before the clock says the time has come', async () => {
    const start = performance.now();
    const realNow = performance.now.bind(performance);
    let reads = 0;
    // The clock at the timer's firing says 15 ms are still to go, as a loop's cached time ahead of it would make it.
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (++reads === 2 ? start + 5 : realNow()));
    try {
      await systemTimers.sleep(20);
    } finally {
      clock.mockRestore();
    }
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(realNow() - start).toBeGreaterThanOrEqual(29);
  });

  it('are not made longer by the wall clock set back during a sleep', async () => {
    const realNow = Date.now.bind(Date);
    const slept = systemTimers.sleep(20).then(() => true);
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 60_000); // NTP steps the clock back.
    try {
      const ended = await Promise.race([slept, new Promise((resolve) => setTimeout(resolve, 5_000, false))]);
      expect(ended).toBe(true);
    } finally {
      clock.mockRestore();
    }
  });

  it('hold a wait longer than a timer can (24.8 days) without firing early', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const wait = new AbortController();
    let ended = false;
    const slept = systemTimers.sleep(30 * 24 * 60 * 60_000, wait.signal).then(() => {
      ended = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false);
    wait.abort();
    await slept;
    process.off('warning', onWarning);
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
  });

  it('leave no listener on the signal of a sleep that ran its course', async () => {
    const wait = new AbortController();
    await systemTimers.sleep(1, wait.signal);
    expect(getEventListeners(wait.signal, 'abort')).toEqual([]);
  });
});

for (const kind of DATABASES) {
  describe(`outbox dispatcher on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    /**
     * A conversation, a dispatcher whose sender runs `onSend` first, and what it was asked to send, in order. A
     * `SendResult` that `onSend` resolves to is what Graph answered; otherwise the send succeeds.
     */
    async function setup(
      onSend: (text: string, send: OutboxSend) => Promise<unknown> = async () => {},
      tuning: {
        retryBaseMs?: number;
        maxAttempts?: number;
        inDoubtGraceMs?: number;
        catchUpMaxMs?: number;
        failWrites?: number;
        /** How long each of the dispatcher's writes takes (a slow disk, a busy database). */
        writeDelayMs?: number;
        onResult?: OutboxDispatcherOptions['onResult'];
        throttle?: SendThrottle;
        timers?: Timers;
        /** Whether the channel echoes sends to the person (false: a chat-plugin guest). */
        echoes?: boolean;
        /** Runs as the window policy is asked, before it answers. */
        beforeDecide?: () => Promise<void>;
        receiptStatus?: OutboxDispatcherOptions['receiptStatus'];
        concurrency?: number;
        pageBlocked?: OutboxDispatcherOptions['pageBlocked'];
        blockedProbeMs?: number;
      } = {},
    ) {
      const { db } = await open();
      const { failWrites = 0, writeDelayMs = 0, echoes, beforeDecide, ...dispatcherTuning } = tuning;
      let writesToFail = failWrites;
      const writes = createBatchedWrites(db);
      const store = createConversationStore(db, createBatchedWrites(db));
      const now = Date.now();
      const { conversation } = await store.openConversation(PAGE, 'psid-1', now);
      // The person wrote just now: the 24-hour window is open.
      await store.commitTurn(
        {
          event_id: await storePendingEvent(db),
          event_status: 'done',
          conversation: { id: conversation.id, changes: { last_inbound_at: now } },
        },
        now,
      );
      const sent: string[] = [];
      const contexts: (SendContext | undefined)[] = [];
      /** When the window policy was asked, in ms since the epoch. */
      const decidedAt: number[] = [];
      const policy = createSendPolicy(db, () => Date.now());
      const outbox = createOutboxDispatcher({
        db,
        // The dispatcher's own writes (a send's outcome); `failWrites` of them fail first, as a failing disk would.
        transaction: async (write) => {
          if (writesToFail-- > 0) throw new Error('disk I/O error');
          await new Promise((resolve) => setTimeout(resolve, writeDelayMs));
          return writes(write);
        },
        timers: tuning.timers ?? systemTimers,
        logger: pino({ level: 'silent' }),
        ...dispatcherTuning,
        decide: async (row, known) => {
          contexts.push(known);
          decidedAt.push(Date.now());
          await beforeDecide?.();
          return policy(row, known);
        },
        sender: {
          async send(send: OutboxSend): Promise<SendResult> {
            const text = send.kind === 'message' ? (send.message as { text: string }).text : send.kind;
            const result = (await onSend(text, send)) as SendResult | undefined;
            sent.push(text);
            return result ?? { status: 'sent', external_id: `m_${text}` };
          },
          ...(echoes === undefined ? {} : { echoes: () => echoes }),
        },
      });
      const outgoing = (text: string): Outgoing => ({
        conversation_id: conversation.id,
        page_id: PAGE,
        recipient_id: 'psid-1',
        author: 'bot',
        steps: [{ kind: 'message', message: { text }, preview: text }],
      });
      /** A turn that queues `text`; returns what it hands the dispatcher. */
      const turn = async (text: string) => {
        const { rows } = await store.commitTurn(
          { event_id: await storePendingEvent(db), event_status: 'done', outgoing: outgoing(text) },
          Date.now(),
        );
        return { rows, context: { author: 'bot', last_inbound_at: now } };
      };
      const status = async () =>
        (await db.selectFrom('outbox').select(['request', 'status']).orderBy('id').execute()).map(
          (r) => `${JSON.parse(r.request).text}:${r.status}`,
        );
      return { db, store, conversation, outbox, turn, outgoing, sent, contexts, decidedAt, status };
    }

    it('sends the rows a turn hands over with the turn’s context, without reading them back', async () => {
      const { conversation, outbox, turn, sent, contexts, status } = await setup();
      const queued = await turn('hello');
      outbox.wake(conversation.id, queued);
      await outbox.idle();
      expect(sent).toEqual(['hello']);
      expect(contexts).toEqual([queued.context]);
      expect(await status()).toEqual(['hello:sent']);
    });

    it('decides a send once its turn among the sends under way comes: the window may close while it waits', async () => {
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const { db, store, conversation, outbox, turn, outgoing, decidedAt, sent } = await setup(
        async (text) => {
          if (text === 'first') await held;
        },
        { concurrency: 1 },
      );
      outbox.wake(conversation.id, await turn('first'));
      await vi.waitFor(() => expect(decidedAt).toHaveLength(1));
      // Another person, whose reply waits for the one send allowed at once.
      const { conversation: other } = await store.openConversation(PAGE, 'psid-2', Date.now());
      await store.commitTurn(
        {
          event_id: await storePendingEvent(db),
          event_status: 'done',
          conversation: { id: other.id, changes: { last_inbound_at: Date.now() } },
          outgoing: { ...outgoing('second'), conversation_id: other.id, recipient_id: 'psid-2' },
        },
        Date.now(),
      );
      outbox.wake(other.id);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(decidedAt).toHaveLength(1);
      const releasedAt = Date.now();
      release();
      await outbox.idle();
      expect(sent).toEqual(['first', 'second']);
      expect(decidedAt[1]).toBeGreaterThanOrEqual(releasedAt);
    });

    it('gives a send the status of a receipt handled before it was recorded, or while it was', async () => {
      const messageStatus = async (db: Awaited<ReturnType<typeof setup>>['db']) =>
        (await db.selectFrom('messages').select('status').where('direction', '=', 'out').execute()).map(
          (m) => m.status,
        );
      // Handled before: the record says so at once.
      const before = await setup(async () => {}, { receiptStatus: () => 'read' });
      before.outbox.wake(before.conversation.id, await before.turn('hello'));
      await before.outbox.idle();
      expect(await messageStatus(before.db)).toEqual(['read']);
      // Handled while the record was written, which the receipt's update could not see: applied after it.
      let asked = 0;
      const during = await setup(async () => {}, { receiptStatus: () => (asked++ === 0 ? undefined : 'delivered') });
      during.outbox.wake(during.conversation.id, await during.turn('hello'));
      await during.outbox.idle();
      expect(asked).toBe(2);
      expect(await messageStatus(during.db)).toEqual(['delivered']);
      expect(await during.status()).toEqual(['hello:sent']);
      // Handled before, then the echo marked the message sent before the record: the record alone would leave it so.
      const echoed = await setup(
        async () => {
          await echoed.db.updateTable('messages').set({ status: 'sent', external_id: 'm_hello' }).execute();
        },
        { receiptStatus: () => 'read' },
      );
      echoed.outbox.wake(echoed.conversation.id, await echoed.turn('hello'));
      await echoed.outbox.idle();
      expect(await messageStatus(echoed.db)).toEqual(['read']);
    });

    it('reads the queue of a conversation being sent to, so a handed row never overtakes an earlier one', async () => {
      let release: () => void = () => {};
      const first = new Promise<void>((resolve) => (release = resolve));
      let sending: () => void = () => {};
      const firstStarted = new Promise<void>((resolve) => (sending = resolve));
      const { conversation, store, outbox, turn, outgoing, sent, contexts, status } = await setup((text) => {
        if (text !== 'agent') return Promise.resolve();
        sending();
        return first;
      });
      await store.queueOutgoing(outgoing('agent'), Date.now());
      outbox.wake(conversation.id);
      await firstStarted; // The drain is now waiting on the first send.
      outbox.wake(conversation.id, await turn('bot'));
      release();
      await outbox.idle();
      expect(sent).toEqual(['agent', 'bot']);
      expect(contexts).toEqual([undefined, undefined]);
      expect(await status()).toEqual(['agent:sent', 'bot:sent']);
    });

    it('says when a turn queued behind rows still waiting, which are then sent first', async () => {
      const { db, conversation, store, outbox, outgoing, sent, status } = await setup();
      // An agent's reply, committed by the inbox API; its wake is still on its way to the dispatcher.
      await store.queueOutgoing({ ...outgoing('agent'), author: 'agent' }, Date.now());
      // With the conversation update every turn makes, which says whether sends wait.
      const changes = { id: conversation.id, changes: {} };
      const behind = await store.commitTurn(
        {
          event_id: await storePendingEvent(db),
          event_status: 'done',
          conversation: changes,
          outgoing: outgoing('bot'),
        },
        Date.now(),
      );
      expect(behind.behindOthers).toBe(true);
      // So processing wakes the conversation without handing the turn's rows over: the queue is read in order.
      outbox.wake(conversation.id);
      await outbox.idle();
      expect(sent).toEqual(['agent', 'bot']);
      expect(await status()).toEqual(['agent:sent', 'bot:sent']);
      const alone = await store.commitTurn(
        {
          event_id: await storePendingEvent(db),
          event_status: 'done',
          conversation: changes,
          outgoing: outgoing('next'),
        },
        Date.now(),
      );
      expect(alone.behindOthers).toBe(false);
    });

    it('does not send a row that was being decided when it stopped (the lock lost: another process sends it)', async () => {
      let decided = () => {};
      const deciding = new Promise<void>((resolve) => (decided = resolve));
      let asked = () => {};
      const asking = new Promise<void>((resolve) => (asked = resolve));
      const { conversation, store, outbox, outgoing, sent } = await setup(undefined, {
        // The window's read hangs, as on a database cut off.
        beforeDecide: async () => {
          asked();
          await deciding;
        },
      });
      await store.queueOutgoing(outgoing('hello'), Date.now());
      outbox.wake(conversation.id);
      await asking;
      const stopped = outbox.stop(0);
      decided();
      await stopped;
      expect(sent).toEqual([]);
    });

    it('reports how long each Graph call took, not the write of its outcome after it', async () => {
      const latencies: (number | undefined)[] = [];
      const { conversation, store, outbox, outgoing } = await setup(
        async (text) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return text === 'retried' && latencies.length === 0
            ? { status: 'retry', error: { message: '5xx' } }
            : undefined;
        },
        { writeDelayMs: 300, retryBaseMs: 1, inDoubtGraceMs: 0, onResult: (_, __, ms) => latencies.push(ms) },
      );
      await store.queueOutgoing(outgoing('retried'), Date.now());
      outbox.wake(conversation.id);
      await outbox.idle();
      expect(latencies).toHaveLength(2); // The retry, then the send.
      for (const ms of latencies) {
        expect(ms).toBeGreaterThanOrEqual(15);
        expect(ms).toBeLessThan(250);
      }
    });

    it('waits the delay of a turn’s first row from when it was queued (a response delay without typing)', async () => {
      const sentAt: number[] = [];
      const { db, conversation, store, outbox, outgoing } = await setup(async () => {
        sentAt.push(Date.now());
      });
      const text = outgoing('after a pause');
      const delayed: Outgoing = { ...text, steps: [{ kind: 'wait', ms: 200 }, ...text.steps] };
      const queuedAt = Date.now();
      const { rows } = await store.commitTurn(
        { event_id: await storePendingEvent(db), event_status: 'done', outgoing: delayed },
        queuedAt,
      );
      outbox.wake(conversation.id, { rows, context: { author: 'bot', last_inbound_at: queuedAt } });
      await outbox.idle();
      expect(sentAt[0] ?? 0).toBeGreaterThanOrEqual(queuedAt + 190);
    });

    it('leaves a typing indicator Graph could not take, without waiting to retry it, and sends the message after it', async () => {
      const { db, conversation, store, outbox, outgoing, sent } = await setup(
        async (text) => (text === 'typing_on' ? { status: 'retry', error: { message: 'timed out' } } : undefined),
        { inDoubtGraceMs: 60_000 },
      );
      const reply = outgoing('hello');
      await store.queueOutgoing({ ...reply, steps: [{ kind: 'typing', on: true }, ...reply.steps] }, Date.now());
      outbox.wake(conversation.id);
      await outbox.idle();
      expect(sent).toEqual(['typing_on', 'hello']);
      const rows = await db.selectFrom('outbox').select(['kind', 'status', 'attempts']).orderBy('id').execute();
      expect(rows).toEqual([
        { kind: 'typing_on', status: 'failed', attempts: 1 },
        { kind: 'message', status: 'sent', attempts: 1 },
      ]);
      // Nothing for the page's health to show: no message failed.
      expect(await sendFailuresSince(db, 0)).toEqual([]);
    });

    it('sends an agent’s reply at once after a take-over cancelled the bot reply whose pacing it waited on', async () => {
      const { db, conversation, store, outbox, outgoing, sent, status } = await setup();
      const slow = outgoing('bot reply');
      const { rows } = await store.commitTurn(
        {
          event_id: await storePendingEvent(db),
          event_status: 'done',
          outgoing: { ...slow, steps: [{ kind: 'wait', ms: 60_000 }, ...slow.steps] },
        },
        Date.now(),
      );
      outbox.wake(conversation.id, { rows, context: { author: 'bot', last_inbound_at: Date.now() } });
      await new Promise((resolve) => setTimeout(resolve, 50)); // The drain now waits out the response delay.
      await db.transaction().execute((tx) => cancelBotSends(tx, conversation.id, Date.now()));
      outbox.reread(conversation.id);
      await store.queueOutgoing({ ...outgoing('agent reply'), author: 'agent' }, Date.now());
      outbox.wake(conversation.id);
      await outbox.idle();
      expect(sent).toEqual(['agent reply']);
      expect(await status()).toEqual(['bot reply:cancelled', 'agent reply:sent']);
    });

    describe('waits', () => {
      /** A throttle that has the page's first send wait `firstMs`, and every other one `thenMs`. */
      const throttleOf = (firstMs: number, thenMs = 0) => {
        let calls = 0;
        return {
          delayFor: () => (calls++ === 0 ? firstMs : thenMs),
          onUsage: () => {},
          onRateLimited: () => {},
        } as unknown as SendThrottle;
      };

      it('leaves nothing behind of the waits that ended: each is taken out and its sleep told to stop', async () => {
        const signals: (AbortSignal | undefined)[] = [];
        const waitingDuring: number[] = [];
        let dispatcher: { waiting: number } | undefined;
        const timers: Timers = {
          now: () => Date.now(),
          sleep: async (_ms, signal) => {
            signals.push(signal);
            waitingDuring.push(dispatcher?.waiting ?? -1);
          },
        };
        const { db, store, conversation, outbox, outgoing, sent } = await setup(undefined, {
          timers,
          throttle: throttleOf(5, 5),
        });
        dispatcher = outbox;
        const texts = Array.from({ length: 30 }, (_, i) => `m${i}`);
        const steps = texts.flatMap((text) => outgoing(text).steps);
        const { rows } = await store.commitTurn(
          { event_id: await storePendingEvent(db), event_status: 'done', outgoing: { ...outgoing('m0'), steps } },
          Date.now(),
        );
        outbox.wake(conversation.id, { rows, context: { author: 'bot', last_inbound_at: Date.now() } });
        await outbox.idle();
        expect(sent).toEqual(texts);
        // One wait per send (the throttle's), each counted while it ran and gone once it ended.
        expect(waitingDuring).toEqual(texts.map(() => 1));
        expect(outbox.waiting).toBe(0);
        expect(signals.map((signal) => signal?.aborted)).toEqual(texts.map(() => true));
      });

      it('ends the sleep under a wait that a take-over or a shutdown cut short', async () => {
        const clock = manualTimers();
        const { conversation, store, outbox, outgoing, sent } = await setup(undefined, { timers: clock.timers });
        const slow = outgoing('bot reply');
        const paced = { ...slow, steps: [{ kind: 'wait' as const, ms: 60_000 }, ...slow.steps] };
        await store.queueOutgoing(paced, Date.now());
        outbox.wake(conversation.id);
        await clock.asleep();
        outbox.reread(conversation.id); // Nothing cancelled: the row waits again, in a new sleep.
        await vi.waitFor(() => expect([...clock.sleeping].map((s) => s.ms > 30_000)).toEqual([true]), {
          timeout: 5000,
        });
        await outbox.stop();
        expect(clock.sleeping.size).toBe(0);
        expect(outbox.waiting).toBe(0);
        expect(sent).toEqual([]);
      });

      it('sends an agent’s reply at once after a take-over during the wait for echoes of a row found at start', async () => {
        const clock = manualTimers();
        const { db, conversation, store, outbox, outgoing, sent, status } = await setup(undefined, {
          timers: clock.timers,
          inDoubtGraceMs: 60_000,
        });
        await store.queueOutgoing(outgoing('bot reply'), Date.now());
        await outbox.resume(); // As after a restart: the row may have reached Graph, so it waits for its echo.
        try {
          await clock.asleep();
          await db.transaction().execute((tx) => cancelBotSends(tx, conversation.id, Date.now()));
          outbox.reread(conversation.id);
          await store.queueOutgoing({ ...outgoing('agent reply'), author: 'agent' }, Date.now());
          outbox.wake(conversation.id);
          await vi.waitFor(() => expect(sent).toEqual(['agent reply']), { timeout: 5000 });
          await outbox.idle();
          expect(await status()).toEqual(['bot reply:cancelled', 'agent reply:sent']);
          expect(clock.sleeping.size).toBe(0);
        } finally {
          await outbox.stop();
        }
      });

      it('waits for the echo of a row the sweep finds (replayed beside the gateway), as of one found at start', async () => {
        const clock = manualTimers();
        const { store, outbox, outgoing, sent } = await setup(undefined, {
          timers: clock.timers,
          inDoubtGraceMs: 60_000,
        });
        await store.queueOutgoing({ ...outgoing('replayed reply'), author: 'agent' }, Date.now() - 1000);
        try {
          expect(await outbox.sweep(Date.now())).toBe(1);
          await clock.asleep();
          expect([...clock.sleeping].map((s) => s.ms > 30_000)).toEqual([true]);
          expect(sent).toEqual([]);
          clock.wakeAll();
          await outbox.idle();
          expect(sent).toEqual(['replayed reply']);
        } finally {
          await outbox.stop();
        }
      });

      it('waits for the echo of a video found at start until Graph may have stopped fetching its address', async () => {
        const clock = manualTimers();
        const { store, outbox, outgoing, sent } = await setup(undefined, {
          timers: clock.timers,
          inDoubtGraceMs: 1000,
          catchUpMaxMs: 1000,
        });
        const video = {
          attachment: { type: 'video', payload: { url: 'https://cdn.example/v.mp4', is_reusable: true } },
        };
        await store.queueOutgoing(
          { ...outgoing('video'), steps: [{ kind: 'message', message: video, preview: '[video]' }] },
          Date.now(),
        );
        try {
          await outbox.resume(); // Its call may have ended just before the stop: Graph may fetch it for 75 s after.
          await clock.asleep();
          const [wait] = [...clock.sleeping].map((s) => s.ms);
          expect(wait).toBeGreaterThan(75_000 + 900);
          expect(wait).toBeLessThanOrEqual(75_000 + 1000);
          expect(sent).toEqual([]);
          clock.wakeAll();
          await outbox.idle();
          expect(sent).toHaveLength(1);
        } finally {
          await outbox.stop();
        }
      });

      describe('after a restart, until Facebook has delivered what it held meanwhile', () => {
        /** A reply queued and resumed (as after a restart, by default) on timers the test wakes: grace 1 s. */
        const resumed = async (text: string, options?: { restarted: boolean }) => {
          const clock = manualTimers();
          const context = await setup(undefined, { timers: clock.timers, inDoubtGraceMs: 1000, catchUpMaxMs: 60_000 });
          await context.store.queueOutgoing(context.outgoing(text), Date.now());
          const restartedAt = Date.now();
          await context.outbox.resume(options);
          return { ...context, clock, restartedAt };
        };

        /** A bot reply found unsent at start, waiting for its echo. */
        const foundAtStart = async () => {
          const context = await resumed('bot reply');
          const { id: outboxId } = await context.db.selectFrom('outbox').select('id').executeTakeFirstOrThrow();
          await context.clock.asleep();
          return { ...context, outboxId };
        };

        it('keeps a row in doubt waiting past its grace while its page has sent nothing newer', async () => {
          const { outbox, sent, clock, restartedAt } = await foundAtStart();
          try {
            expect([...clock.sleeping].map((s) => s.ms > 30_000)).toEqual([true]);
            expect(outbox.awaitingWebhooks).toBe(true);
            // Held events from before the restart, and another page's: the echo may still be on its way.
            outbox.pageHeard(PAGE, restartedAt - 5000);
            outbox.pageHeard('another-page', restartedAt + 5000);
            await new Promise((resolve) => setTimeout(resolve, 50));
            expect([...clock.sleeping].map((s) => s.ms > 30_000)).toEqual([true]);
            clock.wakeAll(); // Two minutes and nothing newer came: sent, as the grace alone would have.
            await outbox.idle();
            expect(sent).toEqual(['bot reply']);
            expect(outbox.awaitingWebhooks).toBe(false);
          } finally {
            await outbox.stop();
          }
        });

        it('sends it once the page has caught up and the grace is over, the echo having had its chance', async () => {
          const { outbox, sent, clock } = await foundAtStart();
          try {
            outbox.pageHeard(PAGE, Date.now() + 1000);
            // What is left of the grace, no more.
            await vi.waitFor(() => expect([...clock.sleeping].map((s) => s.ms <= 1000)).toEqual([true]), {
              timeout: 5000,
            });
            expect(outbox.awaitingWebhooks).toBe(false);
            clock.wakeAll();
            await outbox.idle();
            expect(sent).toEqual(['bot reply']);
          } finally {
            await outbox.stop();
          }
        });

        it('does not send it when its echo came with what Facebook held, however long after the grace', async () => {
          const { store, outbox, sent, clock, restartedAt, outboxId, status } = await foundAtStart();
          try {
            await store.linkEcho(outboxId, 'm_bot reply', restartedAt - 100, Date.now());
            outbox.pageHeard(PAGE, Date.now() + 1000);
            // Read again, the queue is empty: nothing left to wait for.
            await outbox.idle();
            expect(clock.sleeping.size).toBe(0);
            expect(sent).toEqual([]);
            expect(await status()).toEqual(['bot reply:sent']);
          } finally {
            await outbox.stop();
          }
        });

        it('sends a typing indicator found first at once, and the reply after it: neither can have gone', async () => {
          const clock = manualTimers();
          const { store, outbox, outgoing, sent } = await setup(undefined, {
            timers: clock.timers,
            inDoubtGraceMs: 60_000,
            catchUpMaxMs: 60_000,
          });
          const reply = outgoing('bot reply');
          await store.queueOutgoing({ ...reply, steps: [{ kind: 'typing', on: true }, ...reply.steps] }, Date.now());
          await outbox.resume();
          try {
            await outbox.idle();
            expect(sent).toEqual(['typing_on', 'bot reply']);
            expect(clock.sleeping.size).toBe(0);
            expect(outbox.awaitingWebhooks).toBe(false);
          } finally {
            await outbox.stop();
          }
        });

        it('waits the grace alone for a row resumed after a replay: the webhook was up meanwhile', async () => {
          const { outbox, sent, clock } = await resumed('replayed reply', { restarted: false });
          try {
            await clock.asleep();
            expect([...clock.sleeping].map((s) => s.ms <= 1000)).toEqual([true]);
            expect(outbox.awaitingWebhooks).toBe(false);
            clock.wakeAll();
            await outbox.idle();
            expect(sent).toEqual(['replayed reply']);
          } finally {
            await outbox.stop();
          }
        });

        it('reads the queue again once an echo settled the row in doubt, and sends what follows it at once', async () => {
          const { store, outbox, outgoing, sent, clock, outboxId, conversation, status } = await foundAtStart();
          try {
            await store.queueOutgoing(outgoing('next reply'), Date.now());
            await store.linkEcho(outboxId, 'm_bot reply', Date.now() - 100, Date.now());
            outbox.echoed(conversation.id);
            await vi.waitFor(() => expect(sent).toEqual(['next reply']), { timeout: 5000 });
            await outbox.idle();
            expect(clock.sleeping.size).toBe(0);
            expect(await status()).toEqual(['bot reply:sent', 'next reply:sent']);
          } finally {
            await outbox.stop();
          }
        });

        it('keeps the row in doubt waiting for its page when a dead row replayed before it goes first', async () => {
          const clock = manualTimers();
          const timeout: SendResult = { status: 'retry', error: { message: 'Graph did not answer in time' } };
          const { conversation, db, store, outbox, turn, outgoing, sent } = await setup(
            async (text) => (text === 'lost' && sent.length === 0 ? timeout : undefined),
            { timers: clock.timers, maxAttempts: 1, inDoubtGraceMs: 1000, catchUpMaxMs: 60_000 },
          );
          outbox.wake(conversation.id, await turn('lost'));
          await outbox.idle();
          await store.queueOutgoing(outgoing('bot reply'), Date.now());
          await outbox.resume(); // As after a restart: the reply waits for its echo, and for its page to catch up.
          try {
            await clock.asleep();
            await replayDead(db, { outbox: true, events: false }, Date.now());
            await outbox.resume({ restarted: false });
            outbox.reread(conversation.id); // A change that cancels nothing: the queue is read again, the row first.
            // The replayed row waits for the echo of its last attempt; then the reply waits on for its page.
            const replayWait = () =>
              vi.waitFor(() => expect([...clock.sleeping].map((s) => s.ms <= 1000)).toEqual([true]), {
                timeout: 5000,
              });
            await replayWait();
            // An echo settled some other row of the conversation: the replayed row's wait is cut, and taken up again.
            outbox.echoed(conversation.id);
            await new Promise((resolve) => setTimeout(resolve, 50));
            await replayWait();
            expect(sent).toEqual(['lost']);
            clock.wakeAll();
            await vi.waitFor(() => expect([...clock.sleeping].map((s) => s.ms > 30_000)).toEqual([true]), {
              timeout: 5000,
            });
            expect(sent).toEqual(['lost', 'lost']);
            clock.wakeAll();
            await outbox.idle();
            expect(sent).toEqual(['lost', 'lost', 'bot reply']);
          } finally {
            await outbox.stop();
          }
        });

        it('lets a page that caught up before the wait began wait out its grace alone', async () => {
          const { outbox, sent, clock } = await resumed('bot reply');
          try {
            outbox.pageHeard(PAGE, Date.now() + 1000);
            await clock.asleep();
            expect([...clock.sleeping].map((s) => s.ms <= 1000)).toEqual([true]);
            clock.wakeAll();
            await outbox.idle();
            expect(sent).toEqual(['bot reply']);
          } finally {
            await outbox.stop();
          }
        });
      });

      it('sends a row found at start at once to a person who gets no echoes, rather than wait for one', async () => {
        const clock = manualTimers();
        const { store, outbox, outgoing, sent } = await setup(undefined, {
          timers: clock.timers,
          inDoubtGraceMs: 60_000,
          echoes: false,
        });
        await store.queueOutgoing(outgoing('bot reply'), Date.now());
        await outbox.resume();
        try {
          await outbox.idle();
          expect(sent).toEqual(['bot reply']);
          expect(clock.sleeping.size).toBe(0);
        } finally {
          await outbox.stop();
        }
      });

      it('keeps a row found at start waiting out the rest of the grace when a take-over left it queued', async () => {
        const clock = manualTimers();
        const { conversation, store, outbox, outgoing, sent, status } = await setup(undefined, {
          timers: clock.timers,
          inDoubtGraceMs: 60_000,
        });
        // An agent's reply: a take-over does not cancel it, and it may have reached Graph before the restart.
        await store.queueOutgoing({ ...outgoing('agent reply'), author: 'agent' }, Date.now());
        await outbox.resume();
        try {
          await clock.asleep();
          outbox.reread(conversation.id);
          await vi.waitFor(() => expect([...clock.sleeping].map((s) => s.ms > 30_000)).toEqual([true]), {
            timeout: 5000,
          });
          expect(sent).toEqual([]);
          clock.wakeAll(); // The grace is over and no echo came: it is sent, once.
          await outbox.idle();
          expect(sent).toEqual(['agent reply']);
          expect(await status()).toEqual(['agent reply:sent']);
        } finally {
          await outbox.stop();
        }
      });

      /** A throttle whose first send waits a minute and the others not at all, counting the slots it books. */
      const countingThrottle = () => {
        const booked = { count: 0 };
        const throttle = {
          delayFor: () => (booked.count++ === 0 ? 60_000 : 0),
          onUsage: () => {},
          onRateLimited: () => {},
        } as unknown as SendThrottle;
        return { booked, throttle };
      };

      /** A bot reply queued and waiting for the throttle's first slot, a minute away, on timers the test wakes. */
      const botReplyAwaitingSlot = async (tuning: { beforeDecide?: () => Promise<void> } = {}) => {
        const clock = manualTimers();
        const { booked, throttle } = countingThrottle();
        const context = await setup(undefined, { timers: clock.timers, throttle, ...tuning });
        await context.store.queueOutgoing(context.outgoing('bot reply'), Date.now());
        context.outbox.wake(context.conversation.id);
        await clock.asleep();
        return { ...context, clock, booked };
      };

      it('keeps the throttle’s slot a row waits for through a change of its conversation, booking no second one', async () => {
        const { conversation, outbox, sent, clock, booked } = await botReplyAwaitingSlot();
        try {
          const [slot] = [...clock.sleeping];
          outbox.reread(conversation.id); // A flag, say: nothing cancelled.
          await new Promise((resolve) => setTimeout(resolve, 50));
          expect([...clock.sleeping]).toEqual([slot]);
          clock.wakeAll();
          await outbox.idle();
          expect(sent).toEqual(['bot reply']);
          expect(booked.count).toBe(1);
        } finally {
          await outbox.stop();
        }
      });

      it('sends no row a take-over cancelled after a change during the throttle’s wait had it read again', async () => {
        let takeOver = async () => {};
        const { db, conversation, outbox, sent, status, clock } = await botReplyAwaitingSlot({
          beforeDecide: () => takeOver(),
        });
        takeOver = async () => {
          takeOver = async () => {};
          await db.transaction().execute((tx) => cancelBotSends(tx, conversation.id, Date.now()));
          outbox.reread(conversation.id);
        };
        try {
          outbox.reread(conversation.id); // A flag during the throttle's wait: the row is read again after it.
          clock.wakeAll();
          await outbox.idle();
          expect(sent).toEqual([]);
          expect(await status()).toEqual(['bot reply:cancelled']);
        } finally {
          await outbox.stop();
        }
      });

      it('sends an agent’s reply in the slot of the bot’s row a take-over cancelled during the throttle’s wait', async () => {
        const { db, conversation, store, outbox, outgoing, sent, status, clock, booked } = await botReplyAwaitingSlot();
        try {
          await db.transaction().execute((tx) => cancelBotSends(tx, conversation.id, Date.now()));
          outbox.reread(conversation.id);
          await store.queueOutgoing({ ...outgoing('agent reply'), author: 'agent' }, Date.now());
          outbox.wake(conversation.id);
          clock.wakeAll(); // The slot comes.
          await outbox.idle();
          expect(sent).toEqual(['agent reply']);
          expect(await status()).toEqual(['bot reply:cancelled', 'agent reply:sent']);
          expect(booked.count).toBe(1);
          expect(clock.sleeping.size).toBe(0);
        } finally {
          await outbox.stop();
        }
      });
    });

    it('reads the queue after a drain failed, so the row left behind goes first', async () => {
      let failures = 1;
      const { conversation, store, outbox, turn, outgoing, sent, status } = await setup(async () => {
        if (failures-- > 0) throw new Error('the database went away');
      });
      await store.queueOutgoing(outgoing('earlier'), Date.now());
      outbox.wake(conversation.id);
      await outbox.idle();
      expect(await status()).toEqual(['earlier:pending']);
      outbox.wake(conversation.id, await turn('later'));
      await outbox.idle();
      expect(sent).toEqual(['earlier', 'later']);
      expect(await status()).toEqual(['earlier:sent', 'later:sent']);
      await outbox.stop();
    });

    it('applies the window policy after the throttle’s wait, which may cross the 24-hour window', async () => {
      let waitStarted = 0;
      const throttle = {
        delayFor: () => {
          waitStarted = Date.now();
          return 150;
        },
        onUsage: () => {},
        onRateLimited: () => {},
      } as unknown as SendThrottle;
      const { conversation, outbox, turn, sent, decidedAt } = await setup(undefined, { throttle });
      outbox.wake(conversation.id, await turn('hello'));
      await outbox.idle();
      expect(sent).toEqual(['hello']);
      expect(decidedAt[0] ?? 0).toBeGreaterThanOrEqual(waitStarted + 140);
    });

    it('records a send Graph accepted when writing it failed, without sending it again', async () => {
      const { conversation, outbox, turn, sent, status } = await setup(undefined, { failWrites: 1 });
      outbox.wake(conversation.id, await turn('hello'));
      await outbox.idle();
      expect(await status()).toEqual(['hello:pending']);
      // The drain is tried again a second later.
      await vi.waitFor(async () => expect(await status()).toEqual(['hello:sent']), { timeout: 5_000, interval: 50 });
      await outbox.idle();
      expect(sent).toEqual(['hello']);
    });

    // The first `failWrites` writes fail: with 3, both retries and the dead letter of the third and last attempt.
    it.each([1, 3])('counts the attempts whose retry could not be recorded (%i writes failing)', async (failWrites) => {
      const unavailable: SendResult = {
        status: 'retry',
        error: { code: 2, message: 'Service temporarily unavailable' },
      };
      const { db, conversation, outbox, turn, sent, status } = await setup(async () => unavailable, {
        maxAttempts: 3,
        retryBaseMs: 1,
        inDoubtGraceMs: 10,
        failWrites,
      });
      outbox.wake(conversation.id, await turn('hello'));
      // Each failed write fails the drain, tried again a second later.
      await vi.waitFor(async () => expect(await status()).toEqual(['hello:dead']), { timeout: 8_000, interval: 50 });
      await outbox.idle();
      expect(sent).toEqual(['hello', 'hello', 'hello']);
      expect(await db.selectFrom('outbox').select('attempts').execute()).toEqual([{ attempts: 3 }]);
    });

    it('tries a rate-limited send again past its attempts: a limit of some minutes does not kill it', async () => {
      const limited: SendResult = {
        status: 'retry',
        rate_limited: true,
        error: { code: 613, message: 'Calls to this api have exceeded the rate limit.' },
      };
      let refusals = 3;
      const { db, conversation, outbox, turn, sent, status } = await setup(
        async () => (refusals-- > 0 ? limited : undefined),
        { maxAttempts: 2, retryBaseMs: 1 },
      );
      outbox.wake(conversation.id, await turn('hello'));
      await vi.waitFor(async () => expect(await status()).toEqual(['hello:sent']), { timeout: 8_000, interval: 50 });
      expect(sent).toEqual(['hello', 'hello', 'hello', 'hello']);
      expect(await db.selectFrom('outbox').select('attempts').execute()).toEqual([{ attempts: 4 }]);
    });

    it("records a failure whose error holds a NUL, which PostgreSQL's text cannot store, on the row and its message", async () => {
      const refused: SendResult = { status: 'failed', error: { code: 100, message: 'Invalid parameter \0 here' } };
      const { db, conversation, outbox, turn, status } = await setup(async () => refused);
      outbox.wake(conversation.id, await turn('hello'));
      await vi.waitFor(async () => expect(await status()).toEqual(['hello:failed']), { timeout: 5_000, interval: 50 });
      expect(await db.selectFrom('outbox').select('error_message').execute()).toEqual([
        { error_message: 'Invalid parameter  here' },
      ]);
      const messages = await db.selectFrom('messages').select('error').where('direction', '=', 'out').execute();
      expect(messages).toEqual([{ error: 'Invalid parameter  here (code 100)' }]);
    });

    it('blocks what waits for a person Graph says cannot be reached, handed over or not, without asking Graph again', async () => {
      const gone: SendResult = {
        status: 'failed',
        unreachable: true,
        error: { code: 551, subcode: 1545041, message: 'This person isn’t available right now.' },
      };
      const { db, store, conversation, outbox, outgoing, sent, status } = await setup(async (text) =>
        text === 'one' ? gone : undefined,
      );
      const steps = [...outgoing('one').steps, ...outgoing('two').steps];
      const { rows } = await store.commitTurn(
        { event_id: await storePendingEvent(db), event_status: 'done', outgoing: { ...outgoing('one'), steps } },
        Date.now(),
      );
      outbox.wake(conversation.id, { rows, context: { author: 'bot', last_inbound_at: Date.now() } });
      await outbox.idle();
      expect(sent).toEqual(['one']);
      expect(await status()).toEqual(['one:failed', 'two:blocked']);
    });

    it('fails the rows of a page Meta blocks at once with its reason, asking Graph only now and then if it stands', async () => {
      const reason = 'Meta blocked the page from messaging: Spam reported by people.';
      let blocked = true;
      let offset = 0;
      const timers: Timers = { now: () => Date.now() + offset, sleep: systemTimers.sleep };
      const calls: (number | undefined)[] = [];
      const refused: SendResult = { status: 'failed', error: { code: 368, message: '(#368) deemed abusive' } };
      const { db, conversation, outbox, turn, sent, status } = await setup(
        async () => (blocked ? refused : undefined),
        {
          timers,
          pageBlocked: (pageId) => (blocked && pageId === PAGE ? reason : undefined),
          blockedProbeMs: 60_000,
          onResult: (_row, _outcome, ms) => calls.push(ms),
        },
      );
      const errors = async () =>
        (await db.selectFrom('messages').select('error').where('direction', '=', 'out').orderBy('id').execute()).map(
          (m) => m.error,
        );
      outbox.wake(conversation.id, await turn('one'));
      await outbox.idle();
      outbox.wake(conversation.id, await turn('two'));
      await outbox.idle();
      expect(sent).toEqual([]);
      expect(await status()).toEqual(['one:failed', 'two:failed']);
      expect(await errors()).toEqual([`${reason} (code 368)`, `${reason} (code 368)`]);
      // No Graph call, so no latency to count.
      expect(calls).toEqual([undefined, undefined]);
      // A minute on, one send asks Graph whether the block stands (its unblock may never come); the next does not.
      offset += 60_000;
      outbox.wake(conversation.id, await turn('three'));
      await outbox.idle();
      outbox.wake(conversation.id, await turn('four'));
      await outbox.idle();
      expect(sent).toEqual(['three']);
      expect(await status()).toEqual(['one:failed', 'two:failed', 'three:failed', 'four:failed']);
      // Lifted: sends go as ever.
      blocked = false;
      outbox.wake(conversation.id, await turn('five'));
      await outbox.idle();
      expect(sent).toEqual(['three', 'five']);
      expect((await status()).at(-1)).toBe('five:sent');
    });

    describe('a send Graph accepted although the call failed (its echo came)', () => {
      const timeout: SendResult = { status: 'retry', error: { message: 'Graph did not answer in time' } };
      const messageStatus = async (db: Awaited<ReturnType<typeof setup>>['db']) =>
        (await db.selectFrom('messages').select(['status', 'error']).where('direction', '=', 'out').execute()).map(
          (m) => `${m.status}:${m.error}`,
        );

      it('waits for the echo of a video until Graph has stopped fetching its address, 75 s after the call', async () => {
        const { db, conversation, store, outbox, outgoing } = await setup(async () => timeout, {
          retryBaseMs: 1,
          inDoubtGraceMs: 1000,
        });
        const video = {
          attachment: { type: 'video', payload: { url: 'https://cdn.example/v.mp4', is_reusable: true } },
        };
        const calledBefore = Date.now();
        await store.queueOutgoing(
          { ...outgoing('video'), steps: [{ kind: 'message', message: video, preview: '[video]' }] },
          calledBefore,
        );
        outbox.wake(conversation.id);
        await vi.waitFor(async () => {
          const row = await db.selectFrom('outbox').select('attempts').executeTakeFirstOrThrow();
          expect(row.attempts).toBe(1);
        });
        await outbox.stop();
        const { next_attempt_at } = await db.selectFrom('outbox').select('next_attempt_at').executeTakeFirstOrThrow();
        expect(next_attempt_at).toBeGreaterThanOrEqual(calledBefore + 75_000 + 1000);
        expect(next_attempt_at).toBeLessThan(Date.now() + 75_000 + 1000 + 10);
      });

      it('is not sent again when the echo arrives during the call', async () => {
        const { conversation, store, outbox, turn, sent, status } = await setup(
          async (text, send) => {
            if (sent.length > 0) return undefined;
            await store.linkEcho(send.outbox_id, `m_${text}`, Date.now(), Date.now());
            return timeout;
          },
          { retryBaseMs: 10 },
        );
        outbox.wake(conversation.id, await turn('hello'));
        await outbox.idle();
        expect(sent).toEqual(['hello']);
        expect(await status()).toEqual(['hello:sent']);
      });

      /** A first call that times out, its echo `echoAfterMs` later; what was sent, and the row's status after. */
      async function timeoutThenEcho(
        echoAfterMs: number,
        tuning: { retryBaseMs: number; inDoubtGraceMs: number; failWrites?: number },
      ) {
        const { conversation, store, outbox, turn, sent, status } = await setup(async (text, send) => {
          if (sent.length > 0) return undefined;
          setTimeout(() => void store.linkEcho(send.outbox_id, `m_${text}`, Date.now(), Date.now()), echoAfterMs);
          return timeout;
        }, tuning);
        outbox.wake(conversation.id, await turn('hello'));
        await outbox.idle();
        // A drain that failed to write is tried again a second later: until then the row stays pending.
        for (let waited = 0; waited < 5000 && (await status())[0] === 'hello:pending'; waited += 50)
          await new Promise((resolve) => setTimeout(resolve, 50));
        await outbox.idle();
        return { sent, status: await status() };
      }

      it('is not sent again when the echo arrives while the retry waits', async () => {
        expect(await timeoutThenEcho(20, { retryBaseMs: 200, inDoubtGraceMs: 200 })).toEqual({
          sent: ['hello'],
          status: ['hello:sent'],
        });
      });

      it('waits for its echo as long as for a row in doubt, however short its back-off', async () => {
        // The echo waits in the person's lane behind a long turn: it comes well after the back-off of 1 ms.
        expect(await timeoutThenEcho(150, { retryBaseMs: 1, inDoubtGraceMs: 400 })).toEqual({
          sent: ['hello'],
          status: ['hello:sent'],
        });
      });

      it('waits for its echo when the retry could not be recorded, and the queue is read back as never tried', async () => {
        // The drain that failed to record it runs again after a second: the echo comes after that.
        expect(await timeoutThenEcho(1300, { retryBaseMs: 1, inDoubtGraceMs: 1000, failWrites: 1 })).toEqual({
          sent: ['hello'],
          status: ['hello:sent'],
        });
      });

      it('leaves the dead letters when the echo of its last attempt comes after it, so a replay cannot send it again', async () => {
        let outboxId = '';
        const { db, conversation, store, outbox, turn, sent, status } = await setup(
          async (_text, send) => {
            outboxId = send.outbox_id;
            return timeout;
          },
          { maxAttempts: 1 },
        );
        outbox.wake(conversation.id, await turn('hello'));
        await outbox.idle();
        expect(await status()).toEqual(['hello:dead']);

        expect(await store.linkEcho(outboxId, 'm_hello', Date.now(), Date.now())).toEqual({
          changed: expect.any(String),
        });
        expect(sent).toEqual(['hello']);
        expect(await status()).toEqual(['hello:sent']);
        expect(await messageStatus(db)).toEqual(['sent:null']);
      });

      it('waits for the echo of its last attempt when replayed into a conversation being sent to', async () => {
        let release = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        let sending = () => {};
        const nextStarted = new Promise<void>((resolve) => (sending = resolve));
        let lostId = '';
        const { db, conversation, store, outbox, turn, sent, status } = await setup(
          async (text, send) => {
            if (text === 'lost') {
              lostId = send.outbox_id;
              return timeout;
            }
            sending();
            await held;
          },
          { maxAttempts: 1, inDoubtGraceMs: 1000 },
        );
        outbox.wake(conversation.id, await turn('lost'));
        await outbox.idle();
        expect(await status()).toEqual(['lost:dead']);
        outbox.wake(conversation.id, await turn('next'));
        await nextStarted; // The conversation is busy: its drain waits on the next reply's call.
        // Replayed as `POST /api/dead-letters/replay` does, right after the row died.
        await replayDead(db, { outbox: true, events: false }, Date.now());
        await outbox.resume({ restarted: false });
        release();
        // Graph had taken the last attempt after all: its echo comes a moment later, within the grace.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await store.linkEcho(lostId, 'm_lost', Date.now(), Date.now());
        await outbox.idle();
        expect(sent).toEqual(['lost', 'next']);
        expect(await status()).toEqual(['lost:sent', 'next:sent']);
      });
    });
  });
}
