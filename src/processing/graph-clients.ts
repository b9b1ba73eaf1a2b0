import type { Logger } from 'pino';
import { Agent } from 'undici';
import type { Config } from '../config/load-config.ts';
import { createGraphClient, type GraphClient } from '../messenger/graph/graph-client.ts';
import type { PageLookup } from '../server/page-directory.ts';

/** One Graph client per app (each proves its calls with its own secret), over one keep-alive connection pool. */
export function createGraphClients(graph: Config['graph'], directory: PageLookup, logger: Logger) {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  const clients = new Map<string, GraphClient>();
  return {
    graphFor(appId: string): GraphClient {
      let client = clients.get(appId);
      if (!client) {
        client = createGraphClient({
          baseUrl: graph.apiUrl,
          version: graph.version,
          appSecret: directory.app(appId)?.secret,
          dispatcher,
          logger,
        });
        clients.set(appId, client);
      }
      return client;
    },
    async close() {
      for (const client of clients.values()) await client.close();
      await dispatcher.close();
    },
  };
}
