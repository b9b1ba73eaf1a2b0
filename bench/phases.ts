import { buildSignedEvents, type SignedEvents } from './events.ts';
import type { FakeGraph, ReplyTally } from './fake-graph.ts';
import { closedLoop, type LoadResult, openLoop } from './load.ts';
import {
  ownCpuSeconds,
  readCpuSeconds,
  readMachineCpuSeconds,
  readMemory,
  readThreadCpuSeconds,
  sampleRss,
} from './proc-stats.ts';
import { PAGE_ID } from './settings.ts';
import { type LatencySummary, meanBetween, summarize } from './stats.ts';
import { type RunningTarget, startTarget, type TargetContext, type TargetSpec } from './targets.ts';

export interface PhaseContext extends TargetContext {
  graph: FakeGraph;
}

/** Requests and replies of one measured loop. */
export interface DeliveryFigures {
  sent: number;
  acknowledged: number;
  failures: Record<string, number>;
  /** How waiting for replies ended: every one came, none came for a while, or the bench stopped waiting. */
  drain: DrainOutcome;
  /** Acknowledged events without a reply at that point: lost unless the drain hit its deadline. */
  unreplied: number;
  /** Replies beyond the first for an event. */
  duplicates: number;
  /** Seconds from the end of the loop to the last reply. */
  drainSeconds: number;
  /**
   * % of one core used during the loop and drain: the server, the bench (load generator + fake Graph), every other
   * process on the machine (PostgreSQL in its phases, anything else is noise), and CPU the hypervisor took (steal).
   */
  cpu: CpuShares;
  /** The server process (names its CPU profile with BENCH_CPU_PROF=1). */
  pid: number;
  /** VmHWM of the server process at the end of the phase (includes start-up and warm-up). */
  peakRssBytes: number;
}

export interface CpuShares {
  server: number;
  /**
   * Of `server`: its main thread (HTTP, the webhook's inserts), and the busiest of its other threads (Switchboard's
   * processing thread on SQLite). A thread at a whole core bounds the server however idle the other core is.
   */
  threads: { main: number; busiestOther: number };
  bench: number;
  other: number;
  steal: number;
}

export type DrainOutcome = 'complete' | 'stalled' | 'deadline' | 'no replies expected';

export interface ClosedFigures extends DeliveryFigures {
  seconds: number;
  /** Events/s with every reply delivered (events ÷ time to the last reply); requests/s without replies. */
  throughput: number;
  /** Acknowledgements/s during the loop alone (ingress rate). */
  ackRate: number;
  ack: LatencySummary;
}

export interface OpenFigures extends DeliveryFigures {
  seconds: number;
  rate: number;
  ack: LatencySummary;
  e2e?: LatencySummary;
  /** The warm-up's open loop at the same rate, right after start: latency while V8 still compiles the hot paths. */
  coldStart: { seconds: number; ack: LatencySummary; e2e?: LatencySummary };
  rss: { windowSeconds: number; firstMeanBytes: number; lastMeanBytes: number; growthPercent: number };
}

let phaseSeq = 0;

function events(ctx: PhaseContext, count: number): SignedEvents {
  const { people } = ctx.settings;
  return buildSignedEvents({ phase: ++phaseSeq, count, people, pageId: PAGE_ID, appSecret: ctx.appSecret });
}

/** A server brought to steady state, and the latency its warm-up open loop saw. */
interface WarmTarget {
  target: RunningTarget;
  coldStart: OpenFigures['coldStart'];
}

/**
 * Starts a fresh server and brings it to steady state before anything is measured: one event per person (contacts,
 * profile fetches, keep-alive connections), then an open loop at `rate` for `warmupSeconds`. V8 compiles the hot
 * paths over the first few thousand events; measured without it, the first seconds of a loop were two to five times
 * slower than the rest (docs/benchmarks.md).
 */
async function startWarm(spec: TargetSpec, ctx: PhaseContext, replies: boolean, rate: number): Promise<WarmTarget> {
  const { settings } = ctx;
  const target = await startTarget(spec, ctx);
  try {
    const people = events(ctx, settings.warmupEvents);
    const peopleTally = ctx.graph.track(people.phase, people.count);
    const first = await closedLoop({
      url: target.url,
      events: people,
      connections: settings.connections,
      durationMs: 60_000,
    });
    if (first.ok === 0)
      throw new Error(`${spec.label} acknowledged no warm-up event: ${JSON.stringify(first.failures)}`);
    if (replies) await drain(peopleTally, first, settings);
    const steady = events(ctx, Math.max(1, Math.round(settings.warmupSeconds * rate)));
    const tally = ctx.graph.track(steady.phase, steady.count);
    const load = await openLoop({
      url: target.url,
      events: steady,
      connections: settings.connections,
      rate,
      graceMs: settings.ackGraceMs,
    });
    if (replies) await drain(tally, load, settings);
    const coldStart = {
      seconds: settings.warmupSeconds,
      ack: summarize(load.ackMs),
      ...(replies && { e2e: summarize(endToEnd(tally, load)) }),
    };
    return { target, coldStart };
  } catch (error) {
    await target.stop();
    throw error;
  }
}

/** ms from each event's scheduled send to its first reply at the fake Graph; NaN where none came. */
function endToEnd(tally: ReplyTally, load: LoadResult): Float64Array {
  const e2e = new Float64Array(load.sentAt.length).fill(Number.NaN);
  for (let i = 0; i < load.sent; i++)
    if (tally.counts[i]) e2e[i] = (tally.firstAt[i] as number) - (load.sentAt[i] as number);
  return e2e;
}

/** Closed loop, `connections` at a time, for `closedSeconds`; then the backlog drains. */
export async function runClosed(spec: TargetSpec, ctx: PhaseContext, replies: boolean): Promise<ClosedFigures> {
  const { settings } = ctx;
  const { target } = await startWarm(spec, ctx, replies, settings.openRate);
  try {
    const batch = events(ctx, Math.ceil(settings.closedSeconds * settings.closedMaxRate));
    const tally = ctx.graph.track(batch.phase, batch.count);
    const cpu = cpuMeter(target.pid);
    const load = await closedLoop({
      url: target.url,
      events: batch,
      connections: settings.connections,
      durationMs: settings.closedSeconds * 1000,
    });
    const loopSeconds = (load.endedAt - load.startedAt) / 1000;
    const delivery = await deliveryFigures(target, tally, load, replies, ctx, cpu);
    const untilLastReply = (tally.lastAt - load.startedAt) / 1000;
    return {
      ...delivery,
      seconds: loopSeconds,
      throughput: replies ? tally.distinct / untilLastReply : load.ok / loopSeconds,
      ackRate: load.ok / loopSeconds,
      ack: summarize(load.ackMs),
    };
  } finally {
    await target.stop();
  }
}

/** Open loop at `rate` (default `openRate`) events/s for `seconds`, with RSS sampled throughout. */
export async function runOpen(
  spec: TargetSpec,
  ctx: PhaseContext,
  options: { replies: boolean; seconds: number; rate?: number },
): Promise<OpenFigures> {
  const { settings } = ctx;
  const rate = options.rate ?? settings.openRate;
  const { target, coldStart } = await startWarm(spec, ctx, options.replies, rate);
  try {
    const batch = events(ctx, Math.max(1, Math.round(options.seconds * rate)));
    const tally = ctx.graph.track(batch.phase, batch.count);
    const cpu = cpuMeter(target.pid);
    const sampler = sampleRss(target.pid);
    const load = await openLoop({
      url: target.url,
      events: batch,
      connections: settings.connections,
      rate,
      graceMs: settings.ackGraceMs,
    });
    const samples = sampler.stop();
    const delivery = await deliveryFigures(target, tally, load, options.replies, ctx, cpu);
    const window = Math.min(10, options.seconds / 6);
    const first = meanBetween(samples, 0, window);
    const last = meanBetween(samples, options.seconds - window, options.seconds + 1);
    return {
      ...delivery,
      seconds: options.seconds,
      rate,
      ack: summarize(load.ackMs),
      ...(options.replies && { e2e: summarize(endToEnd(tally, load)) }),
      coldStart,
      rss: {
        windowSeconds: window,
        firstMeanBytes: first,
        lastMeanBytes: last,
        growthPercent: ((last - first) / first) * 100,
      },
    };
  } finally {
    await target.stop();
  }
}

function cpuMeter(pid: number) {
  const started = performance.now();
  const server = readCpuSeconds(pid);
  const threads = readThreadCpuSeconds(pid);
  const bench = ownCpuSeconds();
  const machine = readMachineCpuSeconds();
  return (): CpuShares => {
    const percent = (seconds: number) => (seconds / ((performance.now() - started) / 1000)) * 100;
    const serverShare = percent(readCpuSeconds(pid) - server);
    const benchShare = percent(ownCpuSeconds() - bench);
    const now = readMachineCpuSeconds();
    const used = [...readThreadCpuSeconds(pid)].map(([tid, seconds]) => ({
      tid,
      share: percent(seconds - (threads.get(tid) ?? 0)),
    }));
    return {
      server: serverShare,
      threads: {
        main: used.find((t) => t.tid === pid)?.share ?? Number.NaN,
        busiestOther: Math.max(0, ...used.filter((t) => t.tid !== pid).map((t) => t.share)),
      },
      bench: benchShare,
      other: Math.max(0, percent(now.busy - machine.busy) - serverShare - benchShare),
      steal: percent(now.steal - machine.steal),
    };
  };
}

async function deliveryFigures(
  target: RunningTarget,
  tally: ReplyTally,
  load: LoadResult,
  replies: boolean,
  ctx: PhaseContext,
  cpu: () => CpuShares,
): Promise<DeliveryFigures> {
  const outcome = replies ? await drain(tally, load, ctx.settings) : 'no replies expected';
  const usage = cpu();
  let unreplied = 0;
  for (let i = 0; i < load.sent; i++) if (load.acked[i] && !tally.counts[i]) unreplied++;
  return {
    sent: load.sent,
    acknowledged: load.ok,
    failures: load.failures,
    drain: outcome,
    unreplied: replies ? unreplied : 0,
    duplicates: tally.duplicates,
    drainSeconds: replies && tally.lastAt > load.endedAt ? (tally.lastAt - load.endedAt) / 1000 : 0,
    cpu: usage,
    pid: target.pid,
    peakRssBytes: readMemory(target.pid)?.hwm ?? Number.NaN,
  };
}

/**
 * Waits until every acknowledged event has a reply, no reply came for `drainStallMs`, or `drainMaxMs` passed;
 * then half a second more for late duplicates.
 */
async function drain(
  tally: ReplyTally,
  load: LoadResult,
  limits: { drainStallMs: number; drainMaxMs: number },
): Promise<DrainOutcome> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const deadline = performance.now() + limits.drainMaxMs;
  let seen = -1;
  let changedAt = performance.now();
  let outcome: DrainOutcome = 'deadline';
  while (performance.now() < deadline) {
    if (tally.distinct >= load.ok && allReplied(tally, load)) {
      outcome = 'complete';
      break;
    }
    if (tally.distinct !== seen) [seen, changedAt] = [tally.distinct, performance.now()];
    else if (performance.now() - changedAt > limits.drainStallMs) {
      outcome = 'stalled';
      break;
    }
    await sleep(20);
  }
  await sleep(500);
  return outcome;
}

function allReplied(tally: ReplyTally, load: LoadResult): boolean {
  for (let i = 0; i < load.sent; i++) if (load.acked[i] && !tally.counts[i]) return false;
  return true;
}
