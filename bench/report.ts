import type { ClosedFigures, CpuShares, DeliveryFigures, OpenFigures } from './phases.ts';
import type { LatencySummary } from './stats.ts';
import type { TargetSpec } from './targets.ts';

/** Figures of one server under test. */
export interface TargetFigures {
  label: string;
  kind: TargetSpec['kind'];
  closed: ClosedFigures;
  open: OpenFigures;
  /** Switchboard, when `openRate` is beyond its sustained throughput: an open loop at half that throughput. */
  openAtHalf?: OpenFigures;
}

/** One PASS/MISS line. */
export interface Check {
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

const MB = 1024 * 1024;
const fmt = (n: number, digits = 0) =>
  n === Number.POSITIVE_INFINITY
    ? '∞'
    : Number.isFinite(n)
      ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })
      : 'n/a';
const ms = (n: number) => (n === Number.POSITIVE_INFINITY ? '∞ (unanswered)' : `${fmt(n, n < 10 ? 2 : 1)} ms`);
const latency = (s: LatencySummary | undefined) => (s ? `p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  max ${ms(s.max)}` : '—');
const failures = (f: Record<string, number>) =>
  Object.keys(f).length
    ? Object.entries(f)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ')
    : 'none';

/** Lost and duplicate replies, or why "lost" cannot be told yet. */
function replies(d: DeliveryFigures): string {
  const dup = `duplicates ${d.duplicates}`;
  switch (d.drain) {
    case 'no replies expected':
      return 'no replies expected';
    case 'complete':
      return `every reply delivered (lost 0), ${dup}`;
    case 'stalled':
      return `lost ${fmt(d.unreplied)} (no reply came for a while), ${dup}`;
    case 'deadline':
      return `backlog not drained: ${fmt(d.unreplied)} replies outstanding when the bench stopped waiting, ${dup}`;
  }
}

/** Who used the CPU during a phase; "other" is every other process (PostgreSQL in its phases), "steal" the hypervisor. */
const cpu = (u: CpuShares) =>
  `server ${fmt(u.server)} % (main thread ${fmt(u.threads.main)} %, busiest other ${fmt(u.threads.busiestOther)} %), bench ${fmt(u.bench)} %, other processes ${fmt(u.other)} %, steal ${fmt(u.steal)} %`;

/**
 * The most CPU other processes (and the hypervisor) took during any phase of `targets`: pass those that run alone
 * (not on PostgreSQL), where nothing else belongs to the measurement. On a 2-core machine a busy neighbour halves the
 * baselines, so the ratios shift.
 */
export function describeInterference(targets: TargetFigures[]): string {
  const phases = targets.flatMap((t) =>
    [t.closed, t.open, ...(t.openAtHalf ? [t.openAtHalf] : [])].map((p) => ({ t, p })),
  );
  const worst = phases.reduce((a, b) => (b.p.cpu.other + b.p.cpu.steal > a.p.cpu.other + a.p.cpu.steal ? b : a));
  const share = worst.p.cpu.other + worst.p.cpu.steal;
  const verdict =
    share >= 10
      ? 'other work or the hypervisor took CPU from the measurement: compare these figures with care'
      : 'a quiet machine';
  return `other processes and steal: at most ${fmt(share)} % of a core in any phase (${worst.t.label}): ${verdict}`;
}

/** The human-readable figures of one target. */
export function describeTarget(t: TargetFigures): string {
  const { closed: c, open: o } = t;
  const unit = t.kind === 'verify-only' ? 'requests/s' : 'events/s with every reply delivered';
  const lines = [
    `── ${t.label}`,
    `  sustained (closed loop, ${c.seconds.toFixed(1)} s): ${fmt(c.throughput)} ${unit}`,
    `     acks/s during the loop ${fmt(c.ackRate)}, drain after it ${fmt(c.drainSeconds, 1)} s, ack ${latency(c.ack)}`,
    `     sent ${fmt(c.sent)}, acknowledged ${fmt(c.acknowledged)}, failures: ${failures(c.failures)}`,
    `     ${replies(c)}; CPU ${cpu(c.cpu)} of a core`,
    `  open loop ${fmt(o.rate)} events/s for ${o.seconds} s: ack ${latency(o.ack)}`,
  ];
  if (o.e2e) lines.push(`     end-to-end ${latency(o.e2e)}`);
  lines.push(
    `     right after start (the warm-up's ${o.coldStart.seconds} s at this rate, not measured above): ack p99 ${ms(o.coldStart.ack.p99)}${o.coldStart.e2e ? `, end-to-end p99 ${ms(o.coldStart.e2e.p99)}` : ''}`,
    `     sent ${fmt(o.sent)}, acknowledged ${fmt(o.acknowledged)}, failures: ${failures(o.failures)}`,
    `     ${replies(o)}, drain after the loop ${fmt(o.drainSeconds, 1)} s`,
    `     RSS peak ${fmt(o.peakRssBytes / MB, 1)} MB; mean first ${fmt(o.rss.windowSeconds, 1)} s ${fmt(o.rss.firstMeanBytes / MB, 1)} MB → last ${fmt(o.rss.lastMeanBytes / MB, 1)} MB (${fmt(o.rss.growthPercent, 1)} %); CPU ${cpu(o.cpu)}`,
  );
  const h = t.openAtHalf;
  if (h) {
    lines.push(
      `  open loop at ${fmt(h.rate)} events/s (half its sustained rate) for ${h.seconds} s: ack ${latency(h.ack)}`,
      `     end-to-end ${latency(h.e2e)}`,
      `     sent ${fmt(h.sent)}, acknowledged ${fmt(h.acknowledged)}, failures: ${failures(h.failures)}; ${replies(h)}`,
      `     RSS peak ${fmt(h.peakRssBytes / MB, 1)} MB; mean first ${fmt(h.rss.windowSeconds, 1)} s ${fmt(h.rss.firstMeanBytes / MB, 1)} MB → last ${fmt(h.rss.lastMeanBytes / MB, 1)} MB (${fmt(h.rss.growthPercent, 1)} %); CPU ${cpu(h.cpu)}`,
    );
  }
  return lines.join('\n');
}

/** Flat means the last window's mean RSS is within 10 % of the first's. */
export const RSS_FLAT_PERCENT = 10;

/** The targets of the issue, for one Switchboard measurement against the bare reply baseline. */
export function checksFor(sb: TargetFigures, reply: TargetFigures): Check[] {
  const ratio = sb.closed.throughput / reply.closed.throughput;
  const o = sb.open;
  const at = `${sb.label}`;
  return [
    {
      name: `${at}: sustained throughput ÷ bare reply baseline`,
      value: `${fmt(ratio * 100, 1)} % (${fmt(sb.closed.throughput)} ÷ ${fmt(reply.closed.throughput)} events/s)`,
      target: '≥ 40 %',
      pass: ratio >= 0.4,
    },
    {
      name: `${at}: ack p99 at ${fmt(o.rate)} events/s`,
      value: ms(o.ack.p99),
      target: '< 10 ms',
      pass: o.ack.p99 < 10,
    },
    {
      name: `${at}: end-to-end p99 at ${fmt(o.rate)} events/s`,
      value: ms(o.e2e?.p99 ?? Number.NaN),
      target: '< 50 ms',
      pass: (o.e2e?.p99 ?? Number.POSITIVE_INFINITY) < 50,
    },
    {
      name: `${at}: peak RSS (${o.seconds} s open loop)`,
      value: `${fmt(o.peakRssBytes / MB, 1)} MB`,
      target: '< 200 MB',
      pass: o.peakRssBytes < 200 * MB,
    },
    {
      name: `${at}: RSS flat (last vs first window)`,
      value: `${fmt(o.rss.growthPercent, 1)} %`,
      target: `≤ ${RSS_FLAT_PERCENT} %`,
      pass: o.rss.growthPercent <= RSS_FLAT_PERCENT,
    },
    lostCheck(at, sb.closed, o, ...(sb.openAtHalf ? [sb.openAtHalf] : [])),
  ];
}

function lostCheck(at: string, ...phases: DeliveryFigures[]): Check {
  const duplicates = phases.reduce((n, p) => n + p.duplicates, 0);
  const undrained = phases.filter((p) => p.drain === 'deadline');
  const lost = phases.reduce((n, p) => n + (p.drain === 'deadline' ? 0 : p.unreplied), 0);
  const outstanding = undrained.reduce((n, p) => n + p.unreplied, 0);
  return {
    name: `${at}: lost / duplicate replies`,
    value: `${lost} / ${duplicates}${undrained.length ? ` (+ ${fmt(outstanding)} not delivered when the bench stopped waiting)` : ''}`,
    target: '0 / 0, backlog drained',
    pass: lost === 0 && duplicates === 0 && undrained.length === 0,
  };
}

export function describeChecks(checks: Check[]): string {
  return checks.map((c) => `${c.pass ? 'PASS' : 'MISS'}  ${c.name}: ${c.value} (target ${c.target})`).join('\n');
}

/** The durable floor against the reply baseline: what durability costs before any product (no target). */
export function describeFloor(floor: TargetFigures, reply: TargetFigures): string {
  const ratio = floor.closed.throughput / reply.closed.throughput;
  return `durable floor ÷ bare reply baseline: ${fmt(ratio * 100, 1)} % (${fmt(floor.closed.throughput)} ÷ ${fmt(reply.closed.throughput)} events/s; informative, no target)`;
}

/**
 * The load generator's own ceiling: what it drove against the cheapest server and how busy it was, and how
 * busy it was while Switchboard was measured (far from a core means it was not what limited Switchboard).
 */
export function describeLoadGenerator(verifyOnly: TargetFigures, switchboards: TargetFigures[]): string {
  const c = verifyOnly.closed;
  const busiest = Math.max(...switchboards.flatMap((t) => [t.closed.cpu.bench, t.open.cpu.bench]));
  return [
    `load generator: ${fmt(c.throughput)} requests/s against the verify-only baseline, with the bench process at ${fmt(c.cpu.bench)} % of a core and the server at ${fmt(c.cpu.server)} %`,
    `  (${c.cpu.bench >= 85 ? 'near a full core: that figure is bounded by the load generator' : 'below a full core: not bounded by the load generator'}); during the Switchboard phases the bench process used at most ${fmt(busiest)} % of a core`,
  ].join('\n');
}
