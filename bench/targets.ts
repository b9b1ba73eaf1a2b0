import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { BenchSettings } from './settings.ts';
import { prepareSwitchboard } from './switchboard-setup.ts';

/** Node's arguments in `npm start` (its flags, such as the heap cap, then the script), so the bench runs what users run. */
function startArguments(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const [node, ...args] = String(pkg.scripts.start).split(/\s+/);
  if (node !== 'node') throw new Error(`package.json "start" should run node, not "${node}"`);
  return args;
}

/** A server under test, each run in a child process of its own. */
export interface TargetSpec {
  /** Printed and used as the key in latest.json. */
  label: string;
  kind: 'verify-only' | 'reply' | 'durable-floor' | 'switchboard';
  /** Switchboard only: a PostgreSQL server URL instead of the default SQLite file. */
  postgresUrl?: string;
}

export interface TargetContext {
  graphUrl: string;
  appSecret: string;
  pageToken: string;
  settings: BenchSettings;
}

export interface RunningTarget {
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL after a grace period; removes its files and scratch database. */
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PROFILE_DIR = fileURLToPath(new URL('./results/profiles', import.meta.url));
const live = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void>>();

/** Kills every child still running, synchronously: the last resort on `exit`. */
export function killAllTargets(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/** Ctrl+C and crashes: kills every child, then removes their files and scratch databases (at most 5 s). */
export async function abortAllTargets(): Promise<void> {
  killAllTargets();
  const all = Promise.allSettled([...cleanups].map((c) => c()));
  await Promise.race([all, new Promise((r) => setTimeout(r, 5000))]);
}

export async function startTarget(spec: TargetSpec, ctx: TargetContext): Promise<RunningTarget> {
  const port = await freePort();
  const baseEnv = { ...process.env, PORT: String(port), GRAPH_API_URL: ctx.graphUrl };
  const secrets = { BENCH_APP_SECRET: ctx.appSecret, BENCH_PAGE_TOKEN: ctx.pageToken };
  let args: string[];
  let env: Record<string, string | undefined>;
  let cleanup = async () => {};
  if (spec.kind === 'switchboard') {
    const setup = await prepareSwitchboard({
      port,
      ...ctx,
      postgresUrl: spec.postgresUrl,
      dir: ctx.settings.sqliteDir,
    });
    const profile = ctx.settings.cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [];
    if (profile.length) mkdirSync(PROFILE_DIR, { recursive: true });
    args = [...profile, ...startArguments()];
    env = setup.env;
    cleanup = setup.cleanup;
    cleanups.add(cleanup);
  } else {
    args = ['--import', 'tsx', `bench/baselines/${spec.kind}.ts`];
    env = { ...baseEnv, ...secrets };
  }
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (live.has(child)) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      live.delete(child);
    }
    cleanups.delete(cleanup);
    await cleanup();
  };
  try {
    await waitReady(url, exited, () => tail);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid as number, stop };
}

/** Polls `GET /healthz` until it answers 200; fails if the child exits first or after 60 s. */
async function waitReady(url: string, exited: Promise<void>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the server under test exited during start-up:\n${output()}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server under test did not become ready within 60 s:\n${output()}`);
}

/** A port free right now on 127.0.0.1 (the child binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
