import { createHmac, randomBytes } from 'node:crypto';
import pino from 'pino';
import { request } from 'undici';
import type { AssistantConfig } from '../../src/config/assistant-config.ts';
import type { Config } from '../../src/config/load-config.ts';
import type { PageSettingsInput } from '../../src/config/page-settings.ts';
import { createEmulatorClient, type Emulator, type EmulatorClient, startEmulator } from '../../src/emulator/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import { createSecretBox } from '../../src/storage/secret-box.ts';
import { createSwitchboard, type Switchboard, type SwitchboardOptions } from '../../src/switchboard.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';

export const APP_ID = '1517776481860111';
export const PAGE_ID = '104857392018475';
export const PSID = '6021938475610234';
/** The PSID of extra person `i` (`HarnessOptions.people`) on the test page. */
export const personPsid = (i: number) => `70000000000${String(i).padStart(4, '0')}`;
export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

export interface HarnessOptions {
  database: DatabaseKind;
  assistant?: AssistantConfig;
  settings?: PageSettingsInput;
  tuning?: SwitchboardOptions['tuning'];
  timers?: SwitchboardOptions['timers'];
  /** Where the gateway's logs go (default: nowhere unless TEST_LOG_LEVEL is set). */
  logs?: { write(line: string): void };
  /** Extra people (the first one, Lena, always exists with PSID). */
  people?: number;
  /**
   * Processing on its own thread, as `switchboard start` runs it on SQLite (default, unless the test injects timers or
   * reads the logs, which stay in this thread). PostgreSQL always runs in one thread.
   */
  processingThread?: boolean;
  /** The processing thread's module (`SwitchboardOptions.processingThreadEntry`): one that fails. */
  processingThreadEntry?: URL;
  onFatal?: SwitchboardOptions['onFatal'];
  /** Proxies whose X-Forwarded-For the gateway believes (TRUST_PROXY); default none. */
  trustProxy?: Config['trustProxy'];
  /** Whether the emulator starts with the app subscribed to the page's webhooks (default true). */
  subscribed?: boolean;
  /** What pages connected with Facebook Login start with (`connected_pages`). */
  connectedPages?: Config['connectedPages'];
  /** Runs once the emulator is up, before the gateway starts (faults for its start-up calls). */
  beforeStart?: (fb: EmulatorClient) => Promise<unknown>;
  /**
   * The test makes the gateway refuse webhooks on purpose. Otherwise `settle` fails when the emulator gave up a
   * delivery: Facebook would send it again for hours, then turn the page's webhooks off, where a test saw one event
   * lost.
   */
  refusedWebhooksExpected?: boolean;
}

export interface Harness {
  emulator: Emulator;
  fb: EmulatorClient;
  switchboard: Switchboard;
  gatewayUrl: string;
  secret: string;
  db: TestDatabase;
  config: Config;
  secretKey: string;
  /** Posts a body to the gateway's webhook, signed like Facebook (or as given). */
  postWebhook(body: string | object, signature?: string | null): Promise<{ status: number; text: string }>;
  sign(body: string): string;
  /** Calls the gateway's API as the admin (or with the given Authorization header). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies ad hoc
  api(method: string, path: string, body?: unknown, authorization?: string): Promise<{ status: number; body: any }>;
  /** Waits until the emulator has delivered every webhook and the gateway has handled and sent everything. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The gateway on a real database, with the emulator as Facebook, wired like production over real HTTP. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const secret = randomBytes(16).toString('hex');
  const verifyToken = randomBytes(8).toString('hex');
  const people = [
    { first_name: 'Lena', last_name: 'Okafor', psids: { [PAGE_ID]: PSID } },
    ...Array.from({ length: options.people ?? 0 }, (_, i) => ({
      first_name: `Person${i}`,
      last_name: 'Test',
      psids: { [PAGE_ID]: personPsid(i) },
    })),
  ];
  const token = `EAAT${randomBytes(20).toString('hex')}`;
  const emulator = await startEmulator({
    seed: {
      apps: [{ id: APP_ID, name: 'Test app', secret }],
      pages: [
        { id: PAGE_ID, name: 'Acme Shop', app_id: APP_ID, access_token: token, subscribe_app: options.subscribed },
      ],
      people,
    },
    webhookRetry: { baseMs: 50, maxAttempts: WEBHOOK_ATTEMPTS, timeoutMs: 5_000 },
    // Events that come together share a body, as Facebook batches them: the gateway's batch path runs in every test.
    batchWindowMs: 2,
  });
  const fb = createEmulatorClient(emulator.url as string);
  await options.beforeStart?.(fb);
  const db = await createTestDatabase(options.database);
  const secretKey = randomBytes(32).toString('base64');
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    trustProxy: options.trustProxy,
    publicUrl: 'http://127.0.0.1',
    databaseUrl: db.url,
    logLevel: 'silent',
    graph: { apiUrl: emulator.url as string, version: 'v25.0', batchSends: true },
    facebookWebUrl: emulator.url as string,
    secretKeys: [secretKey],
    admin: ADMIN,
    apps: [{ id: APP_ID, secret, verify_token: verifyToken }],
    pages: [
      {
        id: PAGE_ID,
        app_id: APP_ID,
        name: 'Acme Shop',
        access_token: token,
        assistant: options.assistant,
        settings: { mark_seen: false, ...options.settings },
        messenger_profile: {
          get_started: 'GET_STARTED',
          greeting: 'Hi {{user_first_name}}!',
          composer_input_disabled: false,
        },
      },
    ],
    connectedPages: options.connectedPages ?? { settings: {} },
  };
  const switchboard = await createSwitchboard({
    config,
    secretBox: createSecretBox([secretKey]),
    logger: options.logs
      ? createLogger('trace', options.logs)
      : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    tuning: { eventRetryBaseMs: 20, sendRetryBaseMs: 20, inDoubtGraceMs: 200, catchUpMaxMs: 200, ...options.tuning },
    timers: options.timers,
    processingThread: options.processingThread ?? (!options.timers && !options.logs),
    processingThreadEntry: options.processingThreadEntry,
    onFatal: options.onFatal,
  });
  const gatewayUrl = await switchboard.listen();
  await switchboard.profilesSynced;
  await fb.setWebhook(APP_ID, { url: `${gatewayUrl}/webhooks/messenger`, verify_token: verifyToken });
  const sign = (body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  /** The delivery attempts `settle` has looked at. */
  let checkedAttempts = 0;
  return {
    emulator,
    fb,
    switchboard,
    gatewayUrl,
    secret,
    db,
    config,
    secretKey,
    sign,
    async postWebhook(body, signature) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const sig = signature === undefined ? sign(text) : signature;
      if (sig !== null) headers['x-hub-signature-256'] = sig;
      const response = await request(`${gatewayUrl}/webhooks/messenger`, { method: 'POST', body: text, headers });
      return { status: response.statusCode, text: await response.body.text() };
    },
    async api(method, path, body, authorization) {
      const auth = authorization ?? `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`;
      const response = await request(`${gatewayUrl}${path}`, {
        method: method as 'GET',
        headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.body.text();
      return { status: response.statusCode, body: text ? JSON.parse(text) : undefined };
    },
    async settle() {
      const webhooks = emulator.context.dispatcher;
      for (let round = 0; round < 50; round++) {
        const attempts = webhooks.attempts().length;
        await webhooks.idle();
        await switchboard.idle();
        await webhooks.idle();
        if (webhooks.attempts().length === attempts) {
          // Each given up once: the test that caused it fails, not every later one.
          const fresh = webhooks.attempts().filter((a) => a.id > checkedAttempts);
          checkedAttempts = Math.max(checkedAttempts, ...fresh.map((a) => a.id));
          if (!options.refusedWebhooksExpected) expectNoDeliveryGivenUp(fresh);
          return;
        }
      }
      throw new Error('the gateway and the emulator did not settle');
    },
    async close() {
      await switchboard.close();
      await emulator.close();
      await db.drop();
    },
  };
}

const WEBHOOK_ATTEMPTS = 5;

/** Throws when a webhook body failed at every attempt (the gateway refused it, or did not answer). */
function expectNoDeliveryGivenUp(attempts: { delivery_id: number; attempt: number; ok: boolean; status?: number }[]) {
  const givenUp = attempts.filter((a) => !a.ok && a.attempt === WEBHOOK_ATTEMPTS);
  if (givenUp.length > 0) {
    const why = givenUp.map((a) => a.status ?? 'no answer').join(', ');
    throw new Error(`the gateway refused ${givenUp.length} webhook bodies at every attempt (${why})`);
  }
}

/** A one-event webhook body from the person to the page. */
export function messageBody(text: string, options: { mid?: string; psid?: string; timestamp?: number } = {}) {
  return {
    object: 'page',
    entry: [
      {
        id: PAGE_ID,
        time: Date.now(),
        messaging: [
          {
            sender: { id: options.psid ?? PSID },
            recipient: { id: PAGE_ID },
            timestamp: options.timestamp ?? Date.now(),
            message: { mid: options.mid ?? `m_${randomBytes(8).toString('base64url')}`, text },
          },
        ],
      },
    ],
  };
}
