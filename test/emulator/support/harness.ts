import { request } from 'undici';
import { createEmulatorClient, type EmulatorClient } from '../../../src/emulator/client.ts';
import { type Emulator, startEmulator } from '../../../src/emulator/index.ts';
import type { EmulatorOptions } from '../../../src/emulator/options.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

export const APP_ID = '1517776481860111';
export const APP_SECRET = 'app-secret-for-tests';
export const PAGE_ID = '104857392018475';
export const PAGE_TOKEN = 'EAATESTPAGETOKEN0001';
export const PSID = '6021938475610234';

export interface Harness {
  emulator: Emulator;
  client: EmulatorClient;
  receiver: WebhookReceiver;
  url: string;
  /** Calls the Graph API (`/v25.0` + path); JSON body by default. */
  graph(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      form?: Record<string, string>;
      token?: string | null;
      headers?: Record<string, string>;
    },
  ): Promise<{
    status: number;
    body: Record<string, unknown> & { error?: GraphErrorBody };
    headers: Record<string, unknown>;
  }>;
  /** Sends a text from the page (after the person wrote, so the window is open). */
  send(message: Record<string, unknown>, extra?: Record<string, unknown>): ReturnType<Harness['graph']>;
  close(): Promise<void>;
}

export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  fbtrace_id: string;
}

/** One app (webhook → a receiver in the test), one page, one person with a fixed PSID. */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const receiver = await startWebhookReceiver();
  const emulator = await startEmulator({
    webhookRetry: { baseMs: 20, maxAttempts: 3, timeoutMs: 2_000 },
    ...options,
    seed: options.seed ?? {
      apps: [
        { id: APP_ID, name: 'Test Bot', secret: APP_SECRET, webhook_url: receiver.url, verify_token: 'verify-me' },
      ],
      pages: [{ id: PAGE_ID, name: 'Acme Shop', app_id: APP_ID, access_token: PAGE_TOKEN }],
      people: [{ first_name: 'Lena', last_name: 'Okafor', psids: { [PAGE_ID]: PSID } }],
      accounts: [{ id: '10223344556677889', name: 'Alex Admin', pages: [PAGE_ID] }],
    },
  });
  const url = emulator.url as string;
  const graph: Harness['graph'] = async (method, path, { body, form, token = PAGE_TOKEN, headers = {} } = {}) => {
    const target = new URL(`${url}/v25.0${path}`);
    if (token) target.searchParams.set('access_token', token);
    const payload = form ? new URLSearchParams(form).toString() : body === undefined ? undefined : JSON.stringify(body);
    const contentType = form ? 'application/x-www-form-urlencoded' : 'application/json';
    const response = await request(target, {
      method: method as 'GET',
      ...(payload === undefined
        ? { headers }
        : { body: payload, headers: { 'content-type': contentType, ...headers } }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: text ? JSON.parse(text) : {}, headers: response.headers };
  };
  return {
    emulator,
    client: createEmulatorClient(url),
    receiver,
    url,
    graph,
    send: (message, extra = {}) =>
      graph('POST', '/me/messages', {
        body: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message, ...extra },
      }),
    async close() {
      await emulator.close();
      await receiver.close();
    },
  };
}
