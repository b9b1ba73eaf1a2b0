import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../../test/support/databases.ts';
import { idleMetricSources } from '../../../test/support/idle-metrics.ts';
import { createGroupCommit } from '../../queue/group-commit.ts';
import { createHttpApp } from '../../server/build-app.ts';
import { createMetrics } from '../../server/metrics.ts';
import type { PageDirectory } from '../../server/page-directory.ts';
import { insertInboundEvents, loadPendingByKey } from '../../storage/inbound-event-repository.ts';
import { webhookRoutes } from './webhook-routes.ts';

const APP = { id: '111', secret: 'app-secret', verify_token: 'verify' };
const PAGE = '222';

for (const kind of DATABASES) {
  describe(`webhooks on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    it("hand a person's events to the workers in the order they were stored, a redelivery looked up or not", async () => {
      const { db } = await open();
      const directory = {
        page: (id: string) => (id === PAGE ? { id, app_id: APP.id } : undefined),
        apps: () => [APP],
      } as unknown as PageDirectory;
      const ingress = createGroupCommit((events: Parameters<typeof insertInboundEvents>[1]) =>
        insertInboundEvents(db, events, Date.now()),
      );
      const handed: string[] = [];
      const app = createHttpApp(pino({ level: 'silent' }));
      await app.register(webhookRoutes, {
        directory,
        store: ingress.submit,
        quarantine: async () => {},
        stillPending: (events) => loadPendingByKey(db, events),
        enqueue: (events) => {
          for (const { event } of events) handed.push((event as { mid: string }).mid);
        },
        metrics: createMetrics(idleMetricSources),
        logger: pino({ level: 'silent' }),
      });
      const message = (mid: string) => ({
        sender: { id: '900' },
        recipient: { id: PAGE },
        timestamp: Date.now(),
        message: { mid, text: mid },
      });
      const post = (...messaging: unknown[]) => {
        const body = JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: Date.now(), messaging }] });
        const signature = createHmac('sha256', APP.secret).update(body).digest('hex');
        return app.inject({
          method: 'POST',
          url: '/webhooks/messenger',
          payload: body,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` },
        });
      };
      try {
        await post(message('m_0'));
        // Facebook redelivers m_0 with the person's next message, while the one after comes in a body of its own.
        const answers = await Promise.all([post(message('m_0'), message('m_1')), post(message('m_2'))]);
        expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
        const stored = await db.selectFrom('inbound_events').select('body').orderBy('id').execute();
        expect(stored.map((r) => JSON.parse(r.body).mid)).toEqual(['m_0', 'm_1', 'm_2']);
        // m_0 was handed over at its first delivery, and is again (the workers skip what they hold): m_1 before m_2.
        // The 200s do not wait for the lookup of m_0: the events are stored.
        await vi.waitFor(() => expect(handed).toHaveLength(4));
        expect(handed).toEqual(['m_0', 'm_0', 'm_1', 'm_2']);
      } finally {
        await app.close();
      }
    });
  });
}
