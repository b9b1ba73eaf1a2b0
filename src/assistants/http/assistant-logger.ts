/**
 * The little the assistants need of a logger. A pino logger fits as is; the default is silent.
 * Assistants log reasons and counts, never request headers, API keys or whole payloads.
 */
export interface AssistantLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

/** Logs nothing: the default when no logger is given. */
export const silentLogger: AssistantLogger = { warn() {} };
