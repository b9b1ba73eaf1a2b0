import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LogFn, Logger } from 'pino';

/**
 * A request's logger that makes its pino child (the request id bound to it) only when it writes a line. Fastify makes
 * one for every request: pino's child, its bindings serialised and redacted, was 2 % of the webhook's thread in a CPU
 * profile (3 µs a request in a loop), and a webhook answered 200 writes nothing at the usual levels.
 */
class LazyRequestLogger {
  #child: FastifyBaseLogger | undefined;
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  #write(level: Level, args: Parameters<LogFn>): void {
    // Not a pino logger (a test's): no level to ask, so the child writes or not.
    const enabled = (this.#parent as Partial<Logger>).isLevelEnabled?.(level) ?? true;
    if (this.#child || enabled) (this.#real()[level] as LogFn)(...args);
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }
  set level(level: string) {
    this.#real().level = level;
  }
  fatal(...args: Parameters<LogFn>) {
    this.#write('fatal', args);
  }
  error(...args: Parameters<LogFn>) {
    this.#write('error', args);
  }
  warn(...args: Parameters<LogFn>) {
    this.#write('warn', args);
  }
  info(...args: Parameters<LogFn>) {
    this.#write('info', args);
  }
  debug(...args: Parameters<LogFn>) {
    this.#write('debug', args);
  }
  trace(...args: Parameters<LogFn>) {
    this.#write('trace', args);
  }
  silent() {}
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`. A route with a level of its own (none of ours has one) gets its child at once. */
export function lazyRequestLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  if (options.level !== undefined) return parent.child(bindings, options);
  return new LazyRequestLogger(parent, bindings, options) as unknown as FastifyBaseLogger;
}
