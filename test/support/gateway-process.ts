import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createEmulatorClient, startEmulator } from '../../src/emulator/index.ts';
import { createTestDatabase, type DatabaseKind } from './databases.ts';
import { startEchoBot } from './echo-bot.ts';
import { APP_ID, PAGE_ID, PSID } from './gateway-harness.ts';

const CLI = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

/** Gives up on a gateway that does not listen by then, with its output, rather than waiting for the test's timeout. */
const LISTEN_TIMEOUT_MS = 20_000;

/**
 * The environment of a gateway process for the harness's app and page, answering with the bot at `assistantUrl`, as
 * `switchboard start` reads it from the variables alone.
 */
function gatewayProcessEnv(o: {
  databaseUrl: string;
  graphUrl: string;
  appSecret: string;
  pageToken: string;
  verifyToken: string;
  assistantUrl: string;
}): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: o.databaseUrl,
    GRAPH_API_URL: o.graphUrl,
    FB_APP_ID: APP_ID,
    FB_APP_SECRET: o.appSecret,
    FB_VERIFY_TOKEN: o.verifyToken,
    FB_PAGE_ID: PAGE_ID,
    FB_PAGE_ACCESS_TOKEN: o.pageToken,
    SWITCHBOARD_ASSISTANT: o.assistantUrl,
    SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('base64'),
  };
}

/**
 * Starts `switchboard start` as a process of its own with `env` (test support); resolves with it and its URL once it
 * listens. Each process is added to `children`, for the suite to kill at its end.
 */
function startGatewayProcess(
  env: Record<string, string>,
  children: ChildProcess[],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const late = setTimeout(
      () => reject(new Error(`gateway not listening after ${LISTEN_TIMEOUT_MS / 1000} s:\n${output}`)),
      LISTEN_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*switchboard is listening/.exec(output);
      if (match?.[1]) {
        clearTimeout(late);
        resolve({ child, url: match[1] });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(late);
      reject(new Error(`gateway exited with ${code}:\n${output}`));
    });
  });
}

/** Kills the gateway with `signal` and waits for it to be gone. */
export async function stopGatewayProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/**
 * What a gateway run as a process talks to: the emulator with the harness's app, page and Lena, an echo bot as the
 * page's assistant, and a database of its own. `env` is the gateway's environment for them (Graph at `graphUrl`, the
 * emulator by default); `startGateway` starts one, and `close` kills every one started and stops the rest.
 */
export async function startProcessTestbed(o: {
  database: DatabaseKind;
  verifyToken: string;
  webhookTimeoutMs: number;
}) {
  const secret = randomBytes(16).toString('hex');
  const token = `EAAT${randomBytes(16).toString('hex')}`;
  const emulator = await startEmulator({
    seed: {
      apps: [{ id: APP_ID, name: 'Gateway process test', secret }],
      pages: [{ id: PAGE_ID, name: 'Acme', app_id: APP_ID, access_token: token }],
      people: [{ first_name: 'Lena', psids: { [PAGE_ID]: PSID } }],
    },
    webhookRetry: { baseMs: 100, maxAttempts: 20, timeoutMs: o.webhookTimeoutMs },
  });
  const bot = await startEchoBot();
  const db = await createTestDatabase(o.database);
  const emulatorUrl = emulator.url as string;
  const children: ChildProcess[] = [];
  return {
    emulator,
    fb: createEmulatorClient(emulatorUrl),
    bot,
    db,
    env: (graphUrl = emulatorUrl) =>
      gatewayProcessEnv({
        databaseUrl: db.url,
        graphUrl,
        appSecret: secret,
        pageToken: token,
        verifyToken: o.verifyToken,
        assistantUrl: bot.url,
      }),
    startGateway: (env: Record<string, string>) => startGatewayProcess(env, children),
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await emulator.close();
      await bot.close();
      await db.drop();
    },
  };
}
