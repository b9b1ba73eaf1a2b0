import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stringify } from 'yaml';
import { APP_ID, GRAPH_VERSION, PAGE_ID } from './settings.ts';

export const ECHO_FLOW_PATH = fileURLToPath(new URL('./echo-flow.yaml', import.meta.url));

/** Pacing off (so each event costs exactly one Send API call) and limits far above the bench's load. */
const PAGE_SETTINGS = {
  typing_indicators: false,
  delay_between_messages_ms: 0,
  response_delay: 'instant',
  readable_length: 0,
  mark_seen: false,
  rate_limit_per_minute: 1_000_000,
  send_rate_per_second: 1_000_000,
};

export interface SwitchboardSetupOptions {
  port: number;
  graphUrl: string;
  appSecret: string;
  pageToken: string;
  /** A PostgreSQL server URL: a scratch database is created there (and dropped). Default: SQLite in the temp dir. */
  postgresUrl?: string;
  /** Folder of the temporary config and SQLite file; default the OS temp dir (`/dev/shm` takes fsync out). */
  dir?: string;
}

/** A `${NAME}` reference, which the gateway fills from its environment: no secret is written to disk. */
const envRef = (name: string) => `\${${name}}`;

/** Variables the gateway reads; the bench's own values replace whatever the shell had. */
const GATEWAY_ENV =
  /^(PORT|HOST|PUBLIC_URL|DATABASE_URL|LOG_LEVEL|FACEBOOK_WEB_URL|FB_.*|SWITCHBOARD_.*|GRAPH_API_.*)$/;

/**
 * A temporary `switchboard.yaml` (one app, one page, the echo flow) and the environment of
 * `switchboard start`, on a fresh database. `cleanup` removes the files and drops a scratch database.
 */
export async function prepareSwitchboard(options: SwitchboardSetupOptions) {
  const dir = mkdtempSync(join(options.dir ?? tmpdir(), 'switchboard-bench-'));
  const config = join(dir, 'switchboard.yaml');
  writeFileSync(
    config,
    stringify({
      apps: [{ id: APP_ID, secret: envRef('BENCH_APP_SECRET'), verify_token: 'bench' }],
      pages: [
        {
          id: PAGE_ID,
          name: 'Bench page',
          access_token: envRef('BENCH_PAGE_TOKEN'),
          assistant: ECHO_FLOW_PATH,
          settings: PAGE_SETTINGS,
        },
      ],
    }),
  );
  const database = options.postgresUrl
    ? await createScratchDatabase(options.postgresUrl)
    : { url: `sqlite:${join(dir, 'switchboard.db')}`, drop: async () => {} };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !GATEWAY_ENV.test(key)) env[key] = value;
  Object.assign(env, {
    PORT: String(options.port),
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    GRAPH_API_URL: options.graphUrl,
    GRAPH_API_VERSION: GRAPH_VERSION,
    LOG_LEVEL: 'warn',
    SWITCHBOARD_CONFIG: config,
    SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('base64'),
    BENCH_APP_SECRET: options.appSecret,
    BENCH_PAGE_TOKEN: options.pageToken,
  });
  return {
    env,
    async cleanup() {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `create database` on the given server; the URL of the new database and a `drop` for the end. */
async function createScratchDatabase(serverUrl: string) {
  const name = `sb_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
