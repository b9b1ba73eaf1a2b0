import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createEmulatorClient } from '../../src/emulator/client.ts';

const CLI = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));
const OUTLET_PAGE_ID = '209384756102938';
const SAM_ON_OUTLET = '6021938475610237';
const ADMIN = { email: 'admin@example.com', password: 'a long demo password' };

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** `switchboard demo` on its own ports and database file, once it says it is running. */
async function startDemo(dir: string, ports: { gateway: number; emulator: number }): Promise<ChildProcess> {
  const demo = spawn(process.execPath, [CLI, 'demo', '--database-url', `sqlite:${join(dir, 'demo.db')}`], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(ports.gateway),
      EMULATOR_PORT: String(ports.emulator),
      LOG_LEVEL: 'warn',
      SWITCHBOARD_ADMIN_EMAIL: ADMIN.email,
      SWITCHBOARD_ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  demo.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await vi.waitFor(
    () => {
      if (demo.exitCode !== null) throw new Error(`the demo stopped: ${output}`);
      if (!output.includes('Switchboard demo is running')) throw new Error('not running yet');
    },
    { timeout: 60_000, interval: 100 },
  );
  return demo;
}

async function stop(demo: ChildProcess) {
  if (demo.exitCode !== null) return;
  demo.kill('SIGTERM');
  await once(demo, 'exit');
}

describe('the demo, restarted', () => {
  const running: ChildProcess[] = [];
  afterAll(async () => {
    for (const demo of running) await stop(demo);
  });

  it('still answers on a page connected with Facebook Login in an earlier run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-demo-restart-'));
    const ports = { gateway: await freePort(), emulator: await freePort() };
    const gateway = `http://localhost:${ports.gateway}`;
    const fb = createEmulatorClient(`http://localhost:${ports.emulator}`);
    const authorization = `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`;
    const pageAnswers = async () =>
      (await fb.conversation(OUTLET_PAGE_ID, SAM_ON_OUTLET)).items.filter((item) => item.from === 'page').length;

    const first = await startDemo(dir, ports);
    running.push(first);
    // The admin connects the outlet's page from the inbox: the start, the emulator's dialog, the way back.
    const started = await fetch(`${gateway}/api/oauth/facebook/start`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: '{}',
    });
    const cookie = started.headers.get('set-cookie')?.split(';')[0] ?? '';
    const { url } = (await started.json()) as { url: string };
    const html = await (await fetch(url)).text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '';
    const form = new URLSearchParams(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]) => [
        name as string,
        (value as string).replaceAll('&amp;', '&'),
      ]),
    );
    form.append('account_id', /name="account_id" value="([^"]+)"/.exec(html)?.[1] ?? '');
    form.append('action', 'approve');
    form.append('page_ids', OUTLET_PAGE_ID);
    const approved = await fetch(`${fb.baseUrl}${action}`, { method: 'POST', body: form, redirect: 'manual' });
    const back = new URL(approved.headers.get('location') ?? '');
    const connected = await fetch(`${gateway}${back.pathname}${back.search}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(connected.headers.get('location')).toMatch(/\/inbox\/\?connected=/);
    // The app is subscribed to the page, then its profile synced, after the way back.
    await vi.waitFor(async () => expect((await fb.pageProfile(OUTLET_PAGE_ID)).greeting).toBeDefined(), {
      timeout: 15_000,
    });

    await fb.sendText(OUTLET_PAGE_ID, SAM_ON_OUTLET, 'hello');
    await vi.waitFor(async () => expect(await pageAnswers()).toBeGreaterThan(0), { timeout: 15_000 });
    await stop(first);

    // A new emulator, with no conversations: it must take the stored token and deliver the page's webhooks again.
    running.push(await startDemo(dir, ports));
    expect(await pageAnswers()).toBe(0);
    await fb.sendText(OUTLET_PAGE_ID, SAM_ON_OUTLET, 'hello again');
    await vi.waitFor(async () => expect(await pageAnswers()).toBeGreaterThan(0), { timeout: 15_000 });
    const pages = await (await fetch(`${gateway}/api/pages`, { headers: { authorization } })).json();
    expect(pages.data.find((p: { id: string }) => p.id === OUTLET_PAGE_ID)).toMatchObject({ health: 'ok' });
  }, 120_000);
});
