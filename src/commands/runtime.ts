import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.ts';
import type { Config } from '../config/load-config.ts';
import { createSecretBox, type SecretBox } from '../storage/secret-box.ts';
import type { Switchboard } from '../switchboard.ts';

/** The secret key of the configuration; the demo alone may generate one, next to its database, with a warning. */
export function secretBoxFor(config: Config, logger: Logger, options: { generate: boolean }): SecretBox {
  if (config.secretKeys.length > 0) return createSecretBox(config.secretKeys);
  if (!options.generate) {
    throw new ConfigError([
      'SWITCHBOARD_SECRET_KEY: required to encrypt tokens at rest; generate one with "openssl rand -base64 32"',
    ]);
  }
  const key = keptBesideDatabase(
    config,
    'secret.key',
    () => randomBytes(32).toString('base64'),
    (path) => logger.warn({ path }, 'generated a secret key for the demo; set SWITCHBOARD_SECRET_KEY in production'),
  );
  return createSecretBox([key]);
}

/** The demo's admin: the configured one, or one generated once and kept beside the demo database. */
export function demoAdmin(config: Config): { email: string; password: string; generated: boolean } {
  if (config.admin) return { ...config.admin, generated: false };
  const password = keptBesideDatabase(config, 'demo-admin-password', () => randomBytes(12).toString('base64url'));
  return { email: 'admin@example.com', password, generated: true };
}

/** A demo secret in a file beside the SQLite database (or in `data/`): made once, readable by its owner only. */
function keptBesideDatabase(config: Config, name: string, make: () => string, onCreate?: (path: string) => void) {
  const path = resolve(config.databaseUrl.startsWith('sqlite:') ? dirname(config.databaseUrl.slice(7)) : 'data', name);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, make(), { mode: 0o600 });
    onCreate?.(path);
  }
  return readFileSync(path, 'utf8').trim();
}

/** The settings the gateway's own address came from: PORT and HOST, or the keys of switchboard.yaml. */
export const gatewayAddress = (config: Config) => ({
  port: config.sources?.port ?? 'PORT',
  host: config.sources?.host ?? 'HOST',
});

/** For a listen's `.catch`: a port taken or an address this machine lacks, said by its settings; else as it was. */
export const explainListenError =
  (settings: { port: string; host: string }) =>
  (error: unknown): never => {
    throw unusableAddress(error, settings) ?? error;
  };

/**
 * A port taken or an address this machine cannot listen at, said by the settings that gave them (`port`, `host`);
 * otherwise undefined.
 */
function unusableAddress(error: unknown, settings: { port: string; host: string }): ConfigError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'EADDRINUSE')
    return new ConfigError([`${settings.port}: another process listens there (${message}): stop it, or pick another`]);
  if (code === 'EACCES')
    return new ConfigError([`${settings.port}: not allowed to listen there (${message}): pick a port above 1023`]);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ConfigError([
      `${settings.host}: this machine has no such address (${message}): give one of its own, or 0.0.0.0 for all`,
    ]);
  return undefined;
}

/** The configuration as it may be printed: no secret, no token, no password. */
export function describeConfig(config: Config) {
  return {
    listen: `${config.host}:${config.port}`,
    public_url: withoutPassword(config.publicUrl),
    database: describeDatabaseUrl(config.databaseUrl),
    graph: `${withoutPassword(config.graph.apiUrl)}/${config.graph.version}`,
    graph_batch_sends: config.graph.batchSends,
    facebook_web_url: withoutPassword(config.facebookWebUrl),
    config_file: config.configPath ?? null,
    secret_keys: config.secretKeys.length,
    apps: config.apps.map((a) => a.id),
    pages: config.pages.map((p) => ({ id: p.id, app_id: p.app_id, assistant: p.assistant?.type ?? 'sample flow' })),
  };
}

/** A web address as it may be printed: a password in it (`https://user:pass@proxy…`) replaced. */
function withoutPassword(url: string): string {
  if (!url.includes('@')) return url;
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = 'redacted';
    // As written otherwise: the parser adds a slash to a bare host.
    return url.endsWith('/') ? parsed.href : parsed.href.replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * A database URL as it may be printed: the password and the query (which may carry `password=` or key paths) are
 * replaced. A URL that does not parse is not shown at all, since its password cannot be told apart.
 */
export function describeDatabaseUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url.split(':', 1)[0]}: (not a valid URL, not shown)`;
  }
  if (parsed.password) parsed.password = 'redacted';
  if (parsed.search) parsed.search = '?redacted';
  return parsed.href;
}

/** A shutdown has begun (`closeOnSignals` heard a signal): `exitOnFatal` must not send another. */
let closing = false;
/** `exitOnFatal` has sent its SIGTERM. */
let fatal = false;

/**
 * Stops gracefully on SIGTERM/SIGINT: stop taking work, finish in-flight, close. Exits with 0, or 1 when a closer
 * failed or `exitOnFatal` was called, so that a supervisor sees a shutdown that did not go cleanly.
 */
export function closeOnSignals(logger: Logger, ...closers: { close(): Promise<void> }[]) {
  const stop = async (signal: string) => {
    // Heard, or a signal would find no listener and kill the process before it has closed: a supervisor, npm and the
    // terminal may each send one.
    if (closing) return void logger.warn({ signal }, 'already shutting down (SIGKILL stops at once)');
    closing = true;
    logger.info({ signal }, 'shutting down');
    for (const c of closers) {
      await c.close().catch((err) => {
        process.exitCode = 1;
        logger.error({ err }, 'error while closing');
      });
    }
    process.exit();
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * A part of the gateway failed for good (the processing thread died, the disk refused a flush): shut down as on
 * SIGTERM, then exit with 1, so that the supervisor starts it again. Everything acknowledged is stored and resumed at
 * the next start. Sends SIGTERM once, and not at all during a shutdown already under way (one an operator started, or
 * an earlier failure's): failures keep coming while it closes (each webhook group whose flush fails), and each would
 * log another signal. The exit code is 1 either way.
 */
export function exitOnFatal(): void {
  process.exitCode = 1;
  if (fatal || closing) return;
  fatal = true;
  process.kill(process.pid, 'SIGTERM');
}

export type { Switchboard };
