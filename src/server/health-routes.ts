import type { FastifyPluginAsync } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { migrationsAreCurrent } from '../storage/migrate.ts';
import type { Database } from '../storage/schema.ts';
import type { Metrics } from './metrics.ts';
import { withinMs } from './within-ms.ts';

const READY_TIMEOUT_MS = 5_000;

/** `/healthz` (alive), `/readyz` (database reachable, migrations current), `/metrics` (Prometheus). */
export const healthRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
  metrics: Metrics;
  isClosing: () => boolean;
  /** How long `/readyz` waits for the database before it answers 503 (tests shorten it). */
  readyTimeoutMs?: number;
}> = async (app, deps) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (deps.isClosing()) return reply.code(503).send({ status: 'closing' });
    try {
      // A server that stopped answering on a connection already open would hold the probe for ever: 5 s at most.
      const current = await withinMs(deps.readyTimeoutMs ?? READY_TIMEOUT_MS, async () => {
        await sql`select 1`.execute(deps.db);
        return migrationsAreCurrent(deps.db);
      });
      if (!current) return reply.code(503).send({ status: 'migrations pending' });
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
};
