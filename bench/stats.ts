/** Latency summary in ms. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Summarises the samples; NaN marks "no sample" and is skipped, +Infinity (never answered) counts as slower
 * than everything, so percentiles stay honest when a server stops answering. All zeros when there is none.
 */
export function summarize(values: ArrayLike<number>): LatencySummary {
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) kept.push(v);
  }
  const samples = Float64Array.from(kept).sort();
  const n = samples.length;
  if (n === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  let sum = 0;
  for (const v of samples) sum += v; // +Infinity makes the mean +Infinity too, which is the truth
  return {
    count: n,
    p50: quantile(samples, 0.5),
    p90: quantile(samples, 0.9),
    p99: quantile(samples, 0.99),
    max: samples[n - 1] as number,
    mean: sum / n,
  };
}

/** Nearest-rank quantile of sorted samples: the smallest value with at least q of the samples at or below it. */
export function quantile(sorted: Float64Array, q: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Mean of the values whose time falls in [from, to). */
export function meanBetween(samples: readonly { t: number; value: number }[], from: number, to: number): number {
  const inside = samples.filter((s) => s.t >= from && s.t < to);
  return inside.length === 0 ? Number.NaN : inside.reduce((a, s) => a + s.value, 0) / inside.length;
}
