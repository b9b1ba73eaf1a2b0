import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIPv6 } from 'node:net';
import { parseArgs } from 'node:util';
import { sampleAssistantPath } from '../assistants/create-assistant.ts';
import { ConfigError } from '../config/config-error.ts';
import { databaseUrlProblem } from '../config/database-url.ts';
import { type Config, loadConfig } from '../config/load-config.ts';
import { startEmulator } from '../emulator/index.ts';
import { isHttpUrl } from '../emulator/validate-rules.ts';
import { createLogger } from '../server/logger.ts';
import { type DatabaseHandle, openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { loadPages } from '../storage/page-repository.ts';
import type { SecretBox } from '../storage/secret-box.ts';
import { createSwitchboard } from '../switchboard.ts';
import { DEMO_PROFILE, demoSeed } from './demo-seed.ts';
import { closeOnSignals, demoAdmin, exitOnFatal, explainListenError, gatewayAddress, secretBoxFor } from './runtime.ts';

export const DEMO_DATABASE_URL = 'sqlite:./data/demo.db';
/** What the demo's database comes from (DATABASE_URL is not read), as its errors name it. */
const DEMO_DATABASE_SETTING = '--database-url';

/**
 * The environment the demo's configuration is read from (see `loadDemoConfig`). The demo replaces the configured pages
 * with its own, which deletes the others from its database: it always runs on a SQLite file of its own, never on an
 * exported DATABASE_URL (a production database). `--database-url` picks another SQLite file.
 */
export function demoEnvironment(env: NodeJS.ProcessEnv, databaseUrl = DEMO_DATABASE_URL): NodeJS.ProcessEnv {
  const problem = databaseUrl.startsWith('sqlite:')
    ? databaseUrlProblem(databaseUrl)
    : 'the demo runs on SQLite only; give sqlite:<path>, e.g. sqlite:./data/demo-2.db';
  if (problem) throw new ConfigError([`--database-url: ${problem}`]);
  // This machine only, unless HOST says otherwise: the emulator's control API has no credentials.
  // Empty counts as unset, as everywhere in the configuration (an env file copied from .env.example).
  return { ...env, LOG_LEVEL: env.LOG_LEVEL || 'info', HOST: env.HOST || 'localhost', DATABASE_URL: databaseUrl };
}

/**
 * The demo's configuration: `demoEnvironment` and no config file, neither SWITCHBOARD_CONFIG nor a `switchboard.yaml`
 * in the working directory (copied from the example for production, it would give the demo its port, admin and keys).
 */
export function loadDemoConfig(env: NodeJS.ProcessEnv, o: { databaseUrl?: string; cwd?: string } = {}): Config {
  const config = loadConfig(demoEnvironment(env, o.databaseUrl), o.cwd ?? process.cwd(), { readFile: false });
  return { ...config, sources: { port: 'PORT', host: 'HOST', ...config.sources, databaseUrl: DEMO_DATABASE_SETTING } };
}

/** Addresses that listen on every interface, `localhost` included. */
const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * Why the demo cannot listen at `host`, or undefined. Its gateway and emulator reach each other at `localhost`, so HOST
 * must be a wildcard or an address `localhost` stands for on this machine: at another one, the webhook check failed
 * with a stack trace once both were listening.
 */
export async function demoHostProblem(host: string): Promise<string | undefined> {
  if (host === 'localhost') return undefined;
  // As the listen does: a name is its first address. One that does not resolve is said by the listen's error.
  const address = await lookup(host).then(
    (found) => canonical(found.address),
    () => undefined,
  );
  if (address === undefined || WILDCARDS.has(address)) return undefined;
  const local = await lookup('localhost', { all: true }).catch(() => []);
  if (local.some((a) => canonical(a.address) === address)) return undefined;
  return (
    "the demo's gateway and emulator reach each other at localhost, so they cannot listen at another single address; " +
    'leave HOST unset for this machine only, or to share the demo set 0.0.0.0 (or ::) with EMULATOR_PUBLIC_URL and ' +
    'PUBLIC_URL'
  );
}

/** An IPv6 address in its shortest form (`0:0:0:0:0:0:0:1` is `::1`); others as they are. */
function canonical(address: string): string {
  return isIPv6(address) ? new URL(`http://[${address}]`).hostname.slice(1, -1) : address;
}

/**
 * The emulator's port: `--emulator-port`, else EMULATOR_PORT, else the gateway's PORT + 100 (an empty value counts as
 * unset). Throws ConfigError for one that is no port, or the gateway's own, which the listen would call taken by
 * another process.
 */
export function demoEmulatorPort(o: { flag: string | undefined; env: NodeJS.ProcessEnv; port: number }): number {
  const told = o.flag || o.env.EMULATOR_PORT;
  const port = Number(told || o.port + 100);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    const named = told ? '--emulator-port / EMULATOR_PORT' : 'PORT';
    throw new ConfigError([
      `${named}: give a port number from 1 to 65535 (the emulator listens at PORT + 100 unless told)`,
    ]);
  }
  if (port === o.port)
    throw new ConfigError([
      `--emulator-port / EMULATOR_PORT: ${port} is the gateway's port (PORT); give the emulator another one`,
    ]);
  return port;
}

/**
 * `switchboard demo`: the gateway, the Messenger emulator standing in for Facebook, and the sample assistant,
 * on SQLite in one process. Nothing leaves the machine.
 */
export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { 'emulator-port': { type: 'string' }, french: { type: 'boolean' }, 'database-url': { type: 'string' } },
  });
  const base = loadDemoConfig(process.env, { databaseUrl: values['database-url'] });
  const logger = createLogger(base.logLevel);
  if (process.env.DATABASE_URL && !values['database-url'])
    logger.info(`the demo runs on ${base.databaseUrl}, not DATABASE_URL; choose another file with --database-url`);
  // An empty value (an env file copied from .env.example) counts as unset, as for the gateway's own settings.
  // The addresses the demo prints and gives the emulator are built from the port: one the system picks has none yet.
  const hostProblem = await demoHostProblem(base.host);
  if (hostProblem) throw new ConfigError([`HOST: ${hostProblem}`]);
  if (base.port === 0) throw new ConfigError(['PORT: the demo needs a port number from 1 to 65535, not 0']);
  const emulatorPort = demoEmulatorPort({ flag: values['emulator-port'], env: process.env, port: base.port });
  const emulatorPublicUrl = process.env.EMULATOR_PUBLIC_URL || undefined;
  if (emulatorPublicUrl && !isHttpUrl(emulatorPublicUrl))
    throw new ConfigError([`EMULATOR_PUBLIC_URL: give an http(s) URL such as http://192.0.2.10:3100`]);
  const gatewayUrl = `http://localhost:${base.port}`;
  const emulatorUrl = `http://localhost:${emulatorPort}`;
  const secret = randomBytes(24).toString('hex');
  const verifyToken = randomBytes(12).toString('hex');
  const secretBox = secretBoxFor(base, logger, { generate: true });
  const seed = demoSeed({
    webhookUrl: `${gatewayUrl}/webhooks/messenger`,
    secret,
    verifyToken,
    gatewayUrl,
    publicUrl: base.publicUrl,
    connected: await pagesConnectedBefore(base.databaseUrl, secretBox),
  });

  const emulator = await startEmulator({
    seed,
    port: emulatorPort,
    host: base.host,
    // Reached by another name or address than localhost (HOST set to share the demo): its control API must know it.
    ...(emulatorPublicUrl ? { publicUrl: emulatorPublicUrl } : {}),
    verifyWebhooksOnStart: false,
    logger: logger.child({ part: 'emulator' }),
  }).catch(explainListenError({ port: '--emulator-port / EMULATOR_PORT', host: 'HOST' }));
  const page = seed.pages[0] as { id: string; name: string; access_token: string };
  const admin = demoAdmin(base);
  const assistant = { type: 'flow' as const, path: sampleAssistantPath(values.french ? 'fr' : 'en') };
  const config = {
    ...base,
    admin,
    graph: { ...base.graph, apiUrl: emulatorUrl },
    // The login dialog opens in the browser: at the address people reach the emulator at.
    facebookWebUrl: emulatorPublicUrl ?? emulatorUrl,
    apps: [{ id: seed.apps[0]?.id as string, secret, verify_token: verifyToken }],
    pages: [
      {
        id: page.id,
        app_id: seed.apps[0]?.id as string,
        name: page.name,
        access_token: page.access_token,
        assistant,
        settings: {},
        messenger_profile: DEMO_PROFILE,
      },
    ],
    // The outlet's page, connected from the inbox with Facebook Login, gets the sample assistant too.
    connectedPages: { assistant, settings: {}, messenger_profile: DEMO_PROFILE },
  };
  const switchboard = await createSwitchboard({
    config,
    secretBox,
    logger,
    processingThread: true,
    onFatal: exitOnFatal,
  });
  await switchboard.listen().catch(explainListenError(gatewayAddress(config)));

  // Facebook verifies the webhook when it is saved in the dashboard: the emulator does the same now the gateway listens.
  const verified = await fetch(`${emulatorUrl}/_emulator/apps/${config.apps[0]?.id}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${gatewayUrl}/webhooks/messenger`, verify_token: verifyToken }),
  });
  if (!verified.ok) throw new Error(`the emulator could not verify the gateway's webhook: ${await verified.text()}`);
  await switchboard.profilesSynced;

  process.stdout.write(`
  Switchboard demo is running.
    Chat as a customer (Messenger emulator):  ${emulatorUrl}/
    Gateway:                                  ${gatewayUrl}  (health: ${gatewayUrl}/readyz, metrics: ${gatewayUrl}/metrics)
    Inbox:                                    ${gatewayUrl}/inbox/
    Inbox and API sign-in:                    ${admin.email} / ${admin.generated ? admin.password : '(SWITCHBOARD_ADMIN_PASSWORD)'}
  Press Ctrl+C to stop.
`);
  closeOnSignals(logger, switchboard, emulator);
}

/**
 * The pages connected with Facebook Login in an earlier run of the demo, with their tokens. The emulator starts
 * afresh each run: told of them, it takes their tokens and delivers their webhooks again.
 */
export async function pagesConnectedBefore(databaseUrl: string, box: SecretBox) {
  let handle: DatabaseHandle;
  try {
    handle = openDatabase(databaseUrl, { mustExist: true, setting: DEMO_DATABASE_SETTING });
  } catch (error) {
    if (error instanceof ConfigError) return []; // The first run: no database yet.
    throw error;
  }
  try {
    await migrateToLatest(handle.db, DEMO_DATABASE_SETTING);
    const pages = await loadPages(handle.db, box);
    return pages.filter((p) => p.source === 'oauth').map((p) => ({ id: p.id, access_token: p.access_token }));
  } finally {
    await handle.close();
  }
}
