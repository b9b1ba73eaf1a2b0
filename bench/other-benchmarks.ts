import { type MatcherAccuracy, runMatcherAccuracy } from './matcher-accuracy.ts';
import { runRenderThroughput } from './render-throughput.ts';

export interface OtherFigures {
  matcherAccuracy: MatcherAccuracy[];
  renderThroughput: { name: string; responsesPerSecond: number }[];
}

/** Runs the matcher accuracy and renderer throughput benchmarks (written beside this one) and prints their figures. */
export async function runOtherBenchmarks(print: (line: string) => void): Promise<OtherFigures> {
  print('\n== Matcher accuracy on the held-out phrasings (bench/matcher-accuracy.ts)');
  const matcherAccuracy = await runMatcherAccuracy();
  for (const r of matcherAccuracy) {
    print(
      `  ${r.assistant.padEnd(24)} ${String(r.correct).padStart(4)}/${r.total}  ${(r.accuracy * 100).toFixed(1)} %`,
    );
  }
  print('\n== Renderer throughput (bench/render-throughput.ts)');
  const renderThroughput = await runRenderThroughput();
  for (const { name, responsesPerSecond } of renderThroughput) {
    print(`  ${name.padEnd(52)} ${responsesPerSecond.toLocaleString('en').padStart(12)} responses/s`);
  }
  return { matcherAccuracy, renderThroughput };
}
