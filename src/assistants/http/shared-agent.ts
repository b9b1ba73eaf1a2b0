import { Agent, type Dispatcher } from 'undici';

let agent: Agent | undefined;

/**
 * One keep-alive connection pool for every assistant that is not given its own, created on first use:
 * a bot or model endpoint is called on every turn, and a new TLS handshake each time would add latency.
 */
export function sharedAgent(): Dispatcher {
  agent ??= new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 64 });
  return agent;
}
