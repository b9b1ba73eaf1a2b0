/**
 * The bench's fixed shape and durations. `BENCH_SECONDS` (default 15) is the closed-loop time per target;
 * the other phases scale with it, so `BENCH_SECONDS=3` is a quick check and the default run takes 4–5 minutes.
 */
export interface BenchSettings {
  /** Closed-loop seconds per target. */
  closedSeconds: number;
  /** Open-loop seconds for Switchboard: the "one-minute run" whose RSS is watched (4 × closed). */
  switchboardOpenSeconds: number;
  /** Open-loop seconds for each baseline (1 × closed). */
  baselineOpenSeconds: number;
  /** Load generator connections (undici Pool, pipelining 1). */
  connections: number;
  /** People (PSIDs) the events come from, round robin. */
  people: number;
  /** Open-loop schedule, events per second. */
  openRate: number;
  /** Closed-loop cap on events per second of run time (bodies are pre-built, so the count is bounded). */
  closedMaxRate: number;
  /** Events sent and drained first in each phase (one per person): connections, contacts, profiles. */
  warmupEvents: number;
  /** Then an open loop at the phase's rate for this long, drained, so that V8 has compiled the hot paths. */
  warmupSeconds: number;
  /** Open loop: how long answers may still come after the schedule ends; then the rest are abandoned. */
  ackGraceMs: number;
  /** Give up waiting for replies after this long without a new one ("stalled": the missing ones are lost). */
  drainStallMs: number;
  /** Stop waiting for a backlog to drain after this long ("deadline": the rest are undelivered, not lost). */
  drainMaxMs: number;
  /** Optional PostgreSQL server URL: Switchboard is measured a second time on a scratch database there. */
  postgresUrl?: string;
  /** Folder of Switchboard's temporary SQLite file (`/dev/shm` shows the cost without fsync); default the OS temp dir. */
  sqliteDir?: string;
  /** Write a CPU profile of each Switchboard child (node --cpu-prof) into bench/results/profiles. */
  cpuProfile: boolean;
  /** Also measure the durable floor (bench/baselines/durable-floor.ts), which no target uses. */
  durableFloor: boolean;
}

export const APP_ID = '1517776481860111';
export const PAGE_ID = '104857392018475';
export const GRAPH_VERSION = 'v25.0';

/** Reads the settings from the environment; throws on a BENCH_SECONDS that is not a positive number. */
export function benchSettings(env: Record<string, string | undefined> = process.env): BenchSettings {
  const seconds = env.BENCH_SECONDS === undefined ? 15 : Number(env.BENCH_SECONDS);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`BENCH_SECONDS: "${env.BENCH_SECONDS}" is not a positive number of seconds`);
  }
  return {
    closedSeconds: seconds,
    switchboardOpenSeconds: seconds * 4,
    baselineOpenSeconds: seconds,
    connections: 50,
    people: 1000,
    openRate: 1000,
    closedMaxRate: 20_000,
    warmupEvents: 1000,
    warmupSeconds: Math.min(5, seconds),
    ackGraceMs: seconds * 1000,
    drainStallMs: 20_000,
    drainMaxMs: seconds * 4000,
    postgresUrl: env.BENCH_DATABASE_URL || undefined,
    sqliteDir: env.BENCH_SQLITE_DIR || undefined,
    cpuProfile: env.BENCH_CPU_PROF === '1',
    durableFloor: env.BENCH_FLOOR === '1',
  };
}
