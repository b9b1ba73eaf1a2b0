import { type MatcherAccuracy, runMatcherAccuracy } from './matcher-accuracy.ts';
import { runRenderThroughput } from './render-throughput.ts';

export interface OtherFigures {
  matcherAccuracy: MatcherAccuracy[];
  renderThroughput: { name: string; responsesPerSecond: number }[];
}

/** Runs the matcher accuracy and renderer throughput benchmarks (written beside this one) and prints their figures. */
export async function runOtherBenchmarks(print: (line: string) => void): Promise<OtherFigures> {
  // The blind sets 2, 3 and 4 are the measure (written by people who never saw the training examples, never tuned on);
  // the other sets were read while tuning, so they flatter the matcher (test/fixtures/matcher/README.md).
  print(
    '\n== Matcher accuracy (bench/matcher-accuracy.ts): blind4, blind3 and blind2 are the measure, dev sets for comparison',
  );
  const matcherAccuracy = await runMatcherAccuracy(['blind4', 'blind3', 'blind2', 'blind', 'first', 'tuning', 'check']);
  for (const r of matcherAccuracy) {
    const share = `${(r.accuracy * 100).toFixed(1)} %`;
    print(`  ${`${r.set}/${r.assistant}`.padEnd(28)} ${String(r.correct).padStart(4)}/${r.total}  ${share}`);
  }
  print('\n== Renderer throughput (bench/render-throughput.ts)');
  const renderThroughput = await runRenderThroughput();
  for (const { name, responsesPerSecond } of renderThroughput) {
    print(`  ${name.padEnd(52)} ${responsesPerSecond.toLocaleString('en').padStart(12)} responses/s`);
  }
  return { matcherAccuracy, renderThroughput };
}
