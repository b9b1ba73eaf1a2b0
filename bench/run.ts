/**
 * `npm run bench`: Switchboard's webhook-to-reply figures against two bare `node:http` baselines measured
 * in the same run, PASS/MISS lines for the targets, `bench/results/latest.json`, then the matcher and
 * renderer benchmarks. Figures only: nothing here fails on wall time. See docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeCpuProfile } from './cpu-profile.ts';
import { startFakeGraph } from './fake-graph.ts';
import { runOtherBenchmarks } from './other-benchmarks.ts';
import { type PhaseContext, runClosed, runOpen } from './phases.ts';
import {
  checksFor,
  describeChecks,
  describeFloor,
  describeInterference,
  describeLoadGenerator,
  describeTarget,
  type TargetFigures,
} from './report.ts';
import { benchSettings } from './settings.ts';
import { abortAllTargets, killAllTargets, PROFILE_DIR, type TargetSpec } from './targets.ts';

const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const print = (line: string) => console.log(line);

process.on('exit', killAllTargets);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping every server under test`);
    void abortAllTargets().then(() => process.exit(130));
  });
}

async function main() {
  const settings = benchSettings();
  // Switchboard is measured as it runs in production: compiled JavaScript (`npm start`), not through tsx, built by
  // `npm run build` (the compiler and the browser modules the gateway imports too).
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  print(
    `Switchboard bench on ${machine.cpus} × ${machine.model}, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  print(
    `closed loop ${settings.closedSeconds} s per target, open loop ${settings.openRate}/s for ${settings.switchboardOpenSeconds} s (Switchboard) / ${settings.baselineOpenSeconds} s (baselines), ${settings.connections} connections, ${settings.people} people\n`,
  );

  const graph = await startFakeGraph();
  const ctx: PhaseContext = {
    graph,
    settings,
    appSecret: randomBytes(16).toString('hex'),
    pageToken: `EAAB${randomBytes(24).toString('hex')}`,
    graphUrl: graph.url,
  };
  const specs: TargetSpec[] = [
    { label: 'verify-only baseline', kind: 'verify-only' },
    { label: 'reply baseline', kind: 'reply' },
    ...(settings.durableFloor ? [{ label: 'durable floor', kind: 'durable-floor' } as const] : []),
    { label: 'Switchboard (SQLite)', kind: 'switchboard' },
  ];
  if (settings.postgresUrl)
    specs.push({ label: 'Switchboard (PostgreSQL)', kind: 'switchboard', postgresUrl: settings.postgresUrl });

  const results: TargetFigures[] = [];
  try {
    for (const spec of specs) {
      const replies = spec.kind !== 'verify-only';
      const seconds = spec.kind === 'switchboard' ? settings.switchboardOpenSeconds : settings.baselineOpenSeconds;
      console.error(`… ${spec.label}: closed loop`);
      const closed = await runClosed(spec, ctx, replies);
      console.error(`… ${spec.label}: open loop`);
      const open = await runOpen(spec, ctx, { replies, seconds });
      const figures: TargetFigures = { label: spec.label, kind: spec.kind, closed, open };
      if (spec.kind === 'switchboard' && closed.throughput < settings.openRate) {
        // 1,000/s is beyond its capacity: latency at half its sustained rate shows the cost without the queue.
        const rate = Math.max(1, Math.floor(closed.throughput / 2));
        console.error(`… ${spec.label}: open loop at ${rate} events/s`);
        figures.openAtHalf = await runOpen(spec, ctx, { replies, seconds: settings.baselineOpenSeconds, rate });
      }
      results.push(figures);
      print(`${describeTarget(figures)}\n`);
    }
  } finally {
    await graph.close();
  }

  const [verifyOnly, reply] = results as [TargetFigures, TargetFigures];
  const switchboards = results.filter((t) => t.kind === 'switchboard');
  const floor = results.find((t) => t.kind === 'durable-floor');
  print(describeLoadGenerator(verifyOnly, switchboards));
  if (floor) print(describeFloor(floor, reply));
  print(describeInterference(results.filter((_, i) => !specs[i]?.postgresUrl)));
  const { batches, batchedSends } = graph.stats;
  if (batches)
    print(
      `fake Graph: ${batches} batch requests carried ${batchedSends} replies (${(batchedSends / batches).toFixed(1)} each)`,
    );
  if (graph.stats.stray || graph.stats.unexpected)
    print(`fake Graph: ${graph.stats.stray} stray replies, ${graph.stats.unexpected} unexpected requests`);
  const checks = switchboards.flatMap((sb) => checksFor(sb, reply));
  print(`\n${describeChecks(checks)}`);

  if (settings.cpuProfile) printProfiles(switchboards);
  const others = await runOtherBenchmarks(print);
  mkdirSync(fileURLToPath(new URL('./results', import.meta.url)), { recursive: true });
  const loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  print(`\nload average at the end: ${loadAverageAtEnd.join(' ')} (other work on the machine skews every figure)`);
  const summary = {
    generatedAt: new Date().toISOString(),
    machine: { ...machine, loadAverageAtEnd },
    settings,
    fakeGraph: graph.stats,
    targets: results,
    checks,
    ...others,
  };
  // JSON has no Infinity (a latency of a request never answered): keep it readable rather than null.
  const json = JSON.stringify(summary, (_key, value) => (value === Number.POSITIVE_INFINITY ? 'Infinity' : value), 2);
  writeFileSync(RESULTS, `${json}\n`);
  print(`\nsummary: ${RESULTS}`);
}

/** With BENCH_CPU_PROF=1: the hottest functions of each Switchboard child (files are named by pid). */
function printProfiles(switchboards: TargetFigures[]) {
  const files = readdirSync(PROFILE_DIR);
  for (const sb of switchboards) {
    for (const [phase, pid] of [
      ['closed loop', sb.closed.pid],
      ['open loop', sb.open.pid],
    ] as const) {
      const file = files.find((f) => f.includes(`.${pid}.0.`) && f.endsWith('.cpuprofile'));
      print(`\n== CPU profile: ${sb.label}, ${phase}`);
      print(
        file
          ? describeCpuProfile(join(PROFILE_DIR, file), 12)
          : '  no profile written (the child did not exit cleanly)',
      );
    }
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error);
    await abortAllTargets();
    process.exit(1);
  },
);
