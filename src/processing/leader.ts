import type pg from 'pg';
import type { Logger } from 'pino';
import { chunk } from '../collections/chunk.ts';
import type { StoredInboundEvent } from '../storage/inbound-event-repository.ts';
import { openListeningSession } from '../storage/listening-session.ts';
import type { Processing } from './processing.ts';

/** The lock the processing process holds (`pg_try_advisory_lock(LOCK_CLASS, LOCK_ID)`), and the channel it listens on. */
const LOCK_CLASS = 0x5357; // "SW"
const LOCK_ID = 1;
export const WORK_CHANNEL = 'switchboard_work';
/** Event ids per notification: a payload must stay under PostgreSQL's 8,000 bytes. */
const IDS_PER_NOTICE = 200;
/** The first pause before a failed hand-over is sent again, doubling up to the second. */
const NOTIFY_RETRY_MS = 200;
const NOTIFY_RETRY_MAX_MS = 5_000;
/** `silenceMs` is at least this many `pollMs`: a leader's word may come a poll or two late under load. */
const SILENCE_POLLS = 3;
/** SQLSTATE of a parameter the server does not know: `idle_session_timeout` before PostgreSQL 14. */
const UNKNOWN_PARAMETER = '42704';
/** SQLSTATE of a session the server ended after `idle_session_timeout`. */
const IDLE_SESSION_ENDED = '57P05';

/** What a process that does not process tells the one that does. */
export type WorkNotice = { events: string[] } | { wake: string } | { changed: string } | { resume: true };

export interface LeaderOptions {
  databaseUrl: string;
  logger: Logger;
  /** Makes the processing this process runs while it holds the lock. */
  start: () => Promise<Processing>;
  /** The stored events of these ids still pending, oldest first. */
  loadEvents: (ids: string[]) => Promise<StoredInboundEvent[]>;
  /** The pending events of these events' people stored before them, oldest first (`loadPendingBefore`). */
  loadEarlier: (events: readonly StoredInboundEvent[]) => Promise<StoredInboundEvent[]>;
  /** Sends notices on WORK_CHANNEL through the shared pool, in one statement, in this order. */
  notify: (payloads: string[]) => Promise<void>;
  /** How often a process that does not process tries to take the lock, and the one that does checks it holds it. */
  pollMs?: number;
  /**
   * How long the lock's session may go without a word from this process before the server ends it, releasing the lock
   * (`idle_session_timeout`, PostgreSQL 14+): a process that hangs with its connection up (stopped, its machine paused,
   * its event loop stuck) does not keep the lock. At least 3 `pollMs` (refused otherwise); 0 turns it off. Default: 30 s,
   * or 10 `pollMs` if longer. A live process speaks every `pollMs`, but a check may wait out its 5 s timeout and a collection
   * or a burst of work may hold its event loop for seconds; and 30 s is about what the keepalives take to end a dead
   * peer's session, so a hung leader is replaced about as soon as a dead one.
   */
  silenceMs?: number;
}

/**
 * Several gateway processes on one PostgreSQL database (design.md §8): all of them take webhooks and serve the API,
 * and one at a time, the one holding an advisory lock, processes conversations and sends. The others hand it what they
 * store or change through LISTEN/NOTIFY. The lock is a session's: when its process stops or its connection is lost,
 * another process takes it within `pollMs` and resumes the stored work, as a restart would (a send in doubt waits for
 * its echo, docs/adr/0003). So does a process that hangs with its connection up: the server ends its session once it
 * has been silent for `silenceMs`, and if it ever runs again it stops processing as it hears so. One processing process
 * keeps each person's messages in order and every reply single.
 */
export async function createLeaderProcessing(
  options: LeaderOptions,
): Promise<Processing & { readonly leads: boolean }> {
  const { logger } = options;
  const pollMs = options.pollMs ?? 2_000;
  const silenceMs = options.silenceMs ?? Math.max(30_000, 10 * pollMs);
  if (!Number.isInteger(silenceMs) || silenceMs < 0)
    throw new Error(`silenceMs must be a whole number of ms, 0 for off`);
  // A live leader speaks every `pollMs` (later under load): a silence it could reach between two checks would have the
  // server end a healthy leader's session, and processing move from process to process.
  if (silenceMs !== 0 && silenceMs < SILENCE_POLLS * pollMs)
    throw new Error(
      `silenceMs (${silenceMs}) must be 0 (off) or at least ${SILENCE_POLLS} times pollMs (${pollMs}): a live leader speaks only every pollMs, and the database would end its session`,
    );
  let client: pg.Client | undefined;
  let leading: Processing | undefined;
  let stopped = false;
  let attempt: Promise<void> = Promise.resolve();
  /** The notices heard, handled one after the other. */
  let hearing: Promise<void> = Promise.resolve();
  /** Processings being stopped after a loss, which `stop` waits for; and every processing stopped, stopped once. */
  const stopping = new Set<Promise<void>>();
  const halted = new WeakSet<Processing>();

  async function connect() {
    const session = await openListeningSession({
      databaseUrl: options.databaseUrl,
      channel: WORK_CHANNEL,
      // One at a time, in the order sent: a person's events handed over by two notices stay in order.
      heard: (payload) => {
        hearing = hearing.then(() => heard(payload));
      },
      lost,
    });
    try {
      await endWhenSilent(session);
    } catch (error) {
      await session.end().catch(() => {});
      throw error;
    }
    return session;
  }

  /**
   * Has the server end the session once this process has said nothing on it for `silenceMs`, and the lock go with it.
   * Every try or check (every `pollMs`) starts the count again. An older server leaves a hung leader be, as before.
   */
  let warnedUnknown = false;
  async function endWhenSilent(session: pg.Client) {
    try {
      // SET takes no parameters; set_config does.
      await session.query("select set_config('idle_session_timeout', $1, false)", [`${silenceMs}ms`]);
    } catch (err) {
      if ((err as { code?: string }).code !== UNKNOWN_PARAMETER) throw err;
      if (warnedUnknown) return;
      warnedUnknown = true;
      logger.warn(
        { err },
        'this PostgreSQL has no idle_session_timeout (it came in 14): a process that hangs while it handles conversations keeps the processing lock until it is stopped',
      );
    }
  }

  /**
   * Takes the lock if it is free, and then the processing: resumes what is stored, as at a start. While leading, checks
   * that the connection still holds the lock: a connection that died silently (a failover, a dropped route) is noticed
   * within `pollMs` plus the call's timeout, and processing stops.
   */
  async function tryToLead() {
    if (stopped) return;
    if (leading) return checkLock();
    let made: Processing | undefined;
    try {
      client ??= await connect();
      const holder = client;
      const { rows } = await holder.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [
        LOCK_CLASS,
        LOCK_ID,
      ]);
      if (!rows[0]?.locked) return;
      // A processing stopped after a loss may still be waiting on a Graph call: once it is done, its send is recorded,
      // not sent again by the processing that resumes.
      await Promise.all(stopping);
      made = await options.start();
      if (client !== holder || stopped) throw new Error('the lock was lost while processing started');
      leading = made;
      const resumed = await made.resume();
      if (leading !== made) return; // Lost meanwhile, and stopped by `lost`.
      logger.info(resumed, 'this process now handles conversations and sends (it holds the processing lock)');
    } catch (err) {
      logger.warn({ err }, 'could not take part in choosing the process that handles conversations; trying again');
      if (made && leading === made) leading = undefined;
      if (made) await halt(made, { sendDue: false });
      // Ending the session releases the lock, if it was taken.
      await dropConnection();
    }
  }

  async function checkLock() {
    const holder = client;
    try {
      const { rows } = await (holder as pg.Client).query<{ held: boolean }>(
        `select exists (select 1 from pg_locks where locktype = 'advisory' and classid = $1 and objid = $2
           and pid = pg_backend_pid() and granted) as held`,
        [LOCK_CLASS, LOCK_ID],
      );
      if (rows[0]?.held) return;
      throw new Error('the connection no longer holds the processing lock');
    } catch (err) {
      if (holder === client) await stopLeading(err as Error);
    }
  }

  /** The lock went with the connection (or may have): another process may lead now, so this one stops at once. */
  function lost(from: pg.Client, err: Error) {
    if (from === client) void stopLeading(err);
  }

  /**
   * Stops processing at once, not behind a try under way (a long resume): the lock may be another process's already.
   * The try then sees its connection gone, or its processing no longer leading, and gives up.
   */
  function stopLeading(err: Error): Promise<void> {
    const was = leading;
    leading = undefined;
    const done = (async () => {
      await dropConnection();
      if (!was) return;
      logger.error({ err }, lossMessage(err));
      await halt(was, { sendDue: false });
    })();
    stopping.add(done);
    void done.finally(() => stopping.delete(done));
    return done;
  }

  /** The server's idle-session timeout means that this process fell silent (it hung, or its event loop was held). */
  const lossMessage = (err: Error) =>
    (err as { code?: string }).code === IDLE_SESSION_ENDED
      ? `lost the processing lock: the database ended its session after ${silenceMs} ms without a word from this process (was it stopped, or its event loop blocked?); stopped handling conversations`
      : 'lost the processing lock: stopped handling conversations';

  /** Stops a processing once, whoever asks first; a failure is logged. */
  function halt(processing: Processing, options?: { sendDue: boolean }): Promise<void> {
    if (halted.has(processing)) return Promise.resolve();
    halted.add(processing);
    return processing.stop(options).catch((err) => logger.error({ err }, 'could not stop processing'));
  }

  async function dropConnection() {
    const last = client;
    client = undefined;
    await last?.end().catch(() => {});
  }

  async function heard(payload: string) {
    const target = leading;
    if (!target) return;
    try {
      const notice = JSON.parse(payload) as WorkNotice;
      if ('events' in notice) {
        const events = await options.loadEvents(notice.events);
        if (leading === target) target.enqueue(events);
      } else if ('wake' in notice) target.wake(notice.wake);
      else if ('changed' in notice) target.conversationChanged(notice.changed);
      else if ('resume' in notice) await target.resume();
    } catch (err) {
      // The minute's sweep picks up stored events nothing holds.
      logger.error({ err }, 'could not take work another process handed over');
    }
  }

  /**
   * Notices are sent one statement at a time, those told meanwhile together: sent side by side through the pool's
   * connections, they could arrive in any order, and a person's later event be handled first. A statement that fails is
   * sent again after a pause, before what was told since: dropped, its events would wait for the minute's sweep and be
   * handled after the person's later ones.
   */
  const untold: { payload: string; tried: () => void }[] = [];
  let telling: Promise<void> | undefined;
  /** Resolves once the notice was sent, or its first try failed (it is tried again meanwhile). */
  const tell = (notice: WorkNotice) =>
    new Promise<void>((tried) => {
      untold.push({ payload: JSON.stringify(notice), tried });
      telling ??= (async () => {
        let pauseMs = NOTIFY_RETRY_MS;
        while (untold.length > 0) {
          const batch = untold.splice(0);
          const failure = await options.notify(batch.map((n) => n.payload)).then(
            () => undefined,
            (err: unknown) => err ?? new Error('notify failed'),
          );
          for (const n of batch) n.tried();
          if (failure === undefined) {
            pauseMs = NOTIFY_RETRY_MS;
            continue;
          }
          logger.warn({ err: failure }, 'could not hand work to the process that handles conversations; trying again');
          // Stopping: what is left is stored, and found by the processing process's sweep.
          if (stopped) break;
          untold.unshift(...batch.map((n) => ({ payload: n.payload, tried: () => {} })));
          await new Promise((resume) => setTimeout(resume, pauseMs).unref());
          pauseMs = Math.min(pauseMs * 2, NOTIFY_RETRY_MAX_MS);
        }
        for (const n of untold.splice(0)) n.tried();
        telling = undefined;
      })();
    });

  // One try or check at a time: a check waiting out its timeout does not pile up the next ones behind it.
  let trying = false;
  const run = () => {
    // Stopping: the session still holds the lock while the processing finishes, so it keeps talking until it ends.
    if (trying || stopped) {
      keepTalking();
      return attempt;
    }
    trying = true;
    attempt = attempt.then(tryToLead).finally(() => {
      trying = false;
    });
    return attempt;
  };

  /**
   * A try waiting on its processing (a long resume, or a processing stopped after a loss) says nothing on the session:
   * a word every `pollMs` meanwhile, so that the server does not take this live process for a hung one. A failure is
   * the session's: the lock may have gone with it.
   */
  let talking = false;
  function keepTalking() {
    const session = client;
    if (!session || talking) return;
    talking = true;
    void session
      .query('select 1')
      .catch((err: Error) => lost(session, err))
      .finally(() => {
        talking = false;
      });
  }

  // Before the first try, whose resume may be long.
  const timer = setInterval(run, pollMs).unref();
  await run();

  return {
    get leads() {
      return leading !== undefined;
    },
    enqueue(events) {
      if (leading) {
        // A person's earlier event, stored by another process, goes first: after the notices heard before these, and
        // read from the database when its notice has not come yet (the workers skip an event they were handed already).
        const target = leading;
        hearing = hearing.then(async () => {
          try {
            const earlier = await options.loadEarlier(events);
            if (leading === target) target.enqueue(earlier.length > 0 ? [...earlier, ...events] : events);
          } catch (err) {
            // The minute's sweep hands over what this could not.
            logger.error({ err }, 'could not hand stored events to processing');
          }
        });
        return;
      }
      // The webhook answers once these are told: Facebook sends the person's next event only after that 200, so the
      // notice of this one reaches the processing process before that one can.
      return Promise.all(chunk(events, IDS_PER_NOTICE).map((part) => tell({ events: part.map((e) => e.id) }))).then(
        () => {},
      );
    },
    wake: (id) => (leading ? leading.wake(id) : tell({ wake: id })),
    conversationChanged: (id) => (leading ? leading.conversationChanged(id) : tell({ changed: id })),
    async resume() {
      if (leading) return leading.resume();
      tell({ resume: true });
      return { events: 0, conversations: 0 };
    },
    pagesChanged: () => leading?.pagesChanged(),
    // A process that does not lead holds no work: what it stored is the leader's to finish. Events on their way to its
    // processing (behind notices, or a read of earlier ones) count as work.
    async idle() {
      let seen: Promise<void>;
      do {
        seen = hearing;
        await seen;
      } while (seen !== hearing);
      await leading?.idle();
    },
    get depth() {
      return leading?.depth ?? 0;
    },
    get activeConversations() {
      return leading?.activeConversations ?? 0;
    },
    async stop() {
      stopped = true;
      await telling;
      await attempt;
      const was = leading;
      leading = undefined;
      try {
        if (was) await halt(was);
        await Promise.all(stopping);
      } finally {
        clearInterval(timer);
        // Ending the session releases the lock: the next process takes it at its next try.
        await dropConnection();
      }
    },
  };
}
