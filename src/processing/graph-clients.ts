import type { Logger } from 'pino';
import { Agent } from 'undici';
import type { Config } from '../config/load-config.ts';
import { createGraphClient, type GraphClient } from '../messenger/graph/graph-client.ts';
import type { PageLookup } from '../server/page-directory.ts';

/**
 * One Graph client per app (each proves its calls with its own secret), over one keep-alive connection pool. A client
 * is made again when its app's secret changes (rotated, and reloaded from a process that shares the database): proofs
 * made with the old secret are refused for good.
 */
export function createGraphClients(graph: Config['graph'], directory: PageLookup, logger: Logger) {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  const clients = new Map<string, { secret: string | undefined; client: GraphClient }>();
  return {
    graphFor(appId: string): GraphClient {
      const secret = directory.app(appId)?.secret;
      let made = clients.get(appId);
      if (!made || made.secret !== secret) {
        const client = createGraphClient({
          baseUrl: graph.apiUrl,
          version: graph.version,
          appSecret: secret,
          dispatcher,
          logger,
          batchSends: graph.batchSends,
        });
        made = { secret, client };
        clients.set(appId, made);
      }
      return made.client;
    },
    async close() {
      // The clients own nothing but the shared pool.
      await dispatcher.close();
    },
  };
}
