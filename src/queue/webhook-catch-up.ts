import type { Logger } from 'pino';
import type { StoredInboundEvent } from '../storage/inbound-event-repository.ts';
import type { OutboxDispatcher } from './outbox-dispatcher.ts';

/**
 * After a restart, rows in doubt wait for Facebook to deliver what it held meanwhile (docs/adr/0003). Each batch of
 * stored events tells the outbox its pages' newest stamps once the echoes among them have settled their rows, batch
 * after batch: told any earlier, a row could go while the echo proving it still waits in its person's lane.
 */
export function createWebhookCatchUp(deps: {
  outbox: Pick<OutboxDispatcher, 'awaitingWebhooks' | 'pageHeard'>;
  settleEchoes: (echoes: StoredInboundEvent[]) => Promise<unknown>;
  logger: Logger;
}) {
  let hearing = Promise.resolve();
  /** An echo could not be settled: nothing after it is told, and rows in doubt wait out their longest wait. */
  let failed = false;
  return (events: StoredInboundEvent[]) => {
    if (failed || !deps.outbox.awaitingWebhooks) return;
    const newest = new Map<string, number>();
    for (const { event } of events)
      newest.set(event.page_id, Math.max(newest.get(event.page_id) ?? 0, event.timestamp));
    const echoes = events.filter((e) => e.event.kind === 'echo');
    hearing = hearing
      .then(async () => {
        if (failed) return;
        if (echoes.length > 0) await deps.settleEchoes(echoes);
        for (const [pageId, stamp] of newest) deps.outbox.pageHeard(pageId, stamp);
      })
      .catch((err) => {
        failed = true;
        deps.logger.error({ err }, 'could not settle echoes: rows in doubt wait their longest for theirs');
      });
  };
}
