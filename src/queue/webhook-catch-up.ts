import type { Logger } from 'pino';
import type { StoredInboundEvent } from '../storage/inbound-event-repository.ts';
import type { OutboxDispatcher } from './outbox-dispatcher.ts';

/** After a round could not settle the echoes, the next waits this long: a refusing database gets no round per webhook. */
const RETRY_MS = 1000;

/**
 * After a restart, rows in doubt wait for Facebook to deliver what it held meanwhile (docs/adr/0003): the newest echo
 * stamp of each page is told to the outbox, once every echo stored so far has settled its row. Stored, not handed
 * here: on PostgreSQL another process may have stored the echo that proves a row and not told us yet, while a later
 * echo reached us first. Only echoes count: Facebook promises the order of messages, echoes among them, and the
 * proof a row waits for is an echo.
 */
export function createWebhookCatchUp(deps: {
  outbox: Pick<OutboxDispatcher, 'awaitingWebhooks' | 'pageHeard'>;
  /** Echoes stored and not handled yet, any process's. */
  loadPendingEchoes: () => Promise<StoredInboundEvent[]>;
  settleEchoes: (echoes: StoredInboundEvent[]) => Promise<unknown>;
  logger: Logger;
}) {
  /** Each page's newest echo stamp not told yet. */
  let untold = new Map<string, number>();
  /** Echoes settled here already: read again while pending, they are not settled again. */
  const settled = new Set<string>();
  let running: Promise<void> | undefined;

  async function tell() {
    while (untold.size > 0) {
      const told = untold;
      untold = new Map();
      const echoes = (await deps.loadPendingEchoes()).filter((e) => !settled.has(e.id));
      if (echoes.length > 0) await deps.settleEchoes(echoes);
      for (const e of echoes) settled.add(e.id);
      for (const [pageId, stamp] of told) deps.outbox.pageHeard(pageId, stamp);
    }
    if (!deps.outbox.awaitingWebhooks) settled.clear();
  }

  function start() {
    running = tell()
      .catch(async (err) => {
        // Nothing of this round is told: the next one, with what comes next, settles every echo pending first again.
        deps.logger.error({ err }, 'could not settle echoes: rows in doubt wait longer for theirs');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      })
      .finally(() => {
        running = undefined;
        if (untold.size > 0) start();
      });
  }

  return {
    /** Events just stored. */
    heard(events: StoredInboundEvent[]) {
      if (!deps.outbox.awaitingWebhooks) return;
      for (const { event } of events)
        if (event.kind === 'echo') untold.set(event.page_id, Math.max(untold.get(event.page_id) ?? 0, event.timestamp));
      if (untold.size > 0 && !running) start();
    },
    /** Resolves once nothing is being told (a stop waits for it, before the database closes). */
    async idle() {
      while (running) await running;
    },
  };
}
