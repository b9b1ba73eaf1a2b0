import type { FastifyPluginAsync } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { migrationsAreCurrent } from '../storage/migrate.ts';
import type { Database } from '../storage/schema.ts';
import type { Metrics } from './metrics.ts';

/** `/healthz` (alive), `/readyz` (database reachable, migrations current), `/metrics` (Prometheus). */
export const healthRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
  metrics: Metrics;
  isClosing: () => boolean;
}> = async (app, deps) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (deps.isClosing()) return reply.code(503).send({ status: 'closing' });
    try {
      await sql`select 1`.execute(deps.db);
      if (!(await migrationsAreCurrent(deps.db))) return reply.code(503).send({ status: 'migrations pending' });
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
