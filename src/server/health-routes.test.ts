import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { idleMetricSources as idle } from '../../test/support/idle-metrics.ts';
import { type DatabaseHandle, openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { createHttpApp } from './build-app.ts';
import { healthRoutes } from './health-routes.ts';
import { createMetrics } from './metrics.ts';

/** Short, so that a readiness check that waits for it answers well within the test's time. */
const CONNECT_TIMEOUT_MS = 300;

async function readinessApp(handle: DatabaseHandle): Promise<FastifyInstance> {
  const app = createHttpApp(pino({ level: 'silent' }));
  const metrics = createMetrics(idle);
  await app.register(healthRoutes, { db: handle.db, metrics, isClosing: () => false, readyTimeoutMs: 500 });
  return app;
}

describe('metrics', () => {
  it('keep the last queue depth when the database cannot count, instead of failing the scrape', async () => {
    const depths = [7, new Error('the database went away')];
    const metrics = createMetrics({
      ...idle,
      queueDepth: async () => {
        const next = depths.shift();
        if (next instanceof Error) throw next;
        return next ?? 0;
      },
    });
    expect(await metrics.registry.metrics()).toMatch(/^switchboard_queue_depth 7$/m);
    expect(await metrics.registry.metrics()).toMatch(/^switchboard_queue_depth 7$/m);
  });

  it('keep the last queue depth when the database does not answer, instead of holding the scrape', async () => {
    const depths: (() => Promise<number>)[] = [async () => 3, () => new Promise<number>(() => {})];
    const metrics = createMetrics({ ...idle, queueDepth: () => (depths.shift() ?? (async () => 0))() }, 50);
    expect(await metrics.registry.metrics()).toMatch(/^switchboard_queue_depth 3$/m);
    expect(await metrics.registry.metrics()).toMatch(/^switchboard_queue_depth 3$/m);
  });
});

describe('metrics of what needs attention', () => {
  it("give each page's health as a series of its own, and none for a page gone or a health it left", async () => {
    const stored = [
      [
        { id: '1001', health: 'ok' },
        { id: '1002', health: 'blocked' },
      ],
      [{ id: '1001', health: 'token' }],
    ];
    const metrics = createMetrics({ ...idle, pageHealth: async () => stored.shift() ?? [] });
    const first = await metrics.registry.metrics();
    expect(first).toMatch(/^switchboard_page_health\{page_id="1001",health="ok"\} 1$/m);
    expect(first).toMatch(/^switchboard_page_health\{page_id="1002",health="blocked"\} 1$/m);
    const second = await metrics.registry.metrics();
    expect(second.match(/^switchboard_page_health\{.*$/gm)).toEqual([
      'switchboard_page_health{page_id="1001",health="token"} 1',
    ]);
  });

  it('count dead sends and events, and keep the last counts when the database cannot answer', async () => {
    const counts = [{ sends: 2, events: 1 }, new Error('the database went away')];
    const metrics = createMetrics({
      ...idle,
      deadLetters: async () => {
        const next = counts.shift();
        if (next instanceof Error) throw next;
        return next ?? { sends: 0, events: 0 };
      },
    });
    for (let scrape = 0; scrape < 2; scrape++) {
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/^switchboard_dead_letters\{kind="send"\} 2$/m);
      expect(text).toMatch(/^switchboard_dead_letters\{kind="event"\} 1$/m);
    }
  });
});

describe('readiness on PostgreSQL', { timeout: 10_000 }, () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('answers 503 once the pool gives up waiting, when every connection is busy', async () => {
    const test: TestDatabase = await createTestDatabase('postgres');
    cleanups.push(() => test.drop());
    const handle = openDatabase(test.url, { connectTimeoutMs: CONNECT_TIMEOUT_MS });
    cleanups.push(() => handle.close());
    await migrateToLatest(handle.db);
    const app = await readinessApp(handle);
    cleanups.push(() => app.close());

    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    const busy = Array.from({ length: 10 }, () =>
      handle.db.connection().execute(async () => {
        held++;
        await released;
      }),
    );
    cleanups.push(() => Promise.all(busy), release);
    while (held < 10) await new Promise((resolve) => setTimeout(resolve, 10));

    const ready = await app.inject('/readyz');
    expect([ready.statusCode, ready.json()]).toEqual([503, { status: 'database unreachable' }]);
  });

  it('answers 503 once connecting times out, when the server takes the connection and never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => silent.close(resolve)));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
    });
    const { port } = silent.address() as AddressInfo;
    const handle = openDatabase(`postgres://postgres@127.0.0.1:${port}/switchboard`, {
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    });
    cleanups.push(() => handle.close());
    const app = await readinessApp(handle);
    cleanups.push(() => app.close());

    const ready = await app.inject('/readyz');
    expect([ready.statusCode, ready.json()]).toEqual([503, { status: 'database unreachable' }]);
  });

  it('answers 503 when the server stops answering on a connection already open', async () => {
    const test: TestDatabase = await createTestDatabase('postgres');
    cleanups.push(() => test.drop());
    // A proxy before the server, which stops passing anything on once frozen: a network cut, a hung server.
    let frozen = false;
    const sockets: Socket[] = [];
    const target = new URL(test.url);
    const proxy = createServer((client) => {
      const server = connect(Number(target.port), target.hostname);
      sockets.push(client, server);
      client.on('data', (chunk) => frozen || server.write(chunk));
      server.on('data', (chunk) => frozen || client.write(chunk));
      client.on('error', () => {});
      server.on('error', () => {});
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => proxy.close(resolve)));
    const through = new URL(test.url);
    through.host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const handle = openDatabase(through.toString(), { connectTimeoutMs: CONNECT_TIMEOUT_MS });
    cleanups.push(() => handle.close());
    await migrateToLatest(handle.db);
    const app = await readinessApp(handle);
    cleanups.push(() => app.close());
    // First: the pool waits for its hung query until its sockets go.
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
    });

    expect((await app.inject('/readyz')).statusCode).toBe(200);
    frozen = true;
    const ready = await app.inject('/readyz');
    expect([ready.statusCode, ready.json()]).toEqual([503, { status: 'database unreachable' }]);
  });
});
