import { runRenderThroughput } from './render-throughput.ts';

type Printer = (line: string) => void;

/** Renders any figures object readably: arrays of `{name, ...}` as one line each, anything else as JSON. */
function printFigures(value: unknown, print: Printer) {
  const rows = Array.isArray(value) ? value : undefined;
  if (rows?.every((r) => typeof r === 'object' && r !== null && 'name' in r)) {
    for (const { name, ...rest } of rows as { name: string }[]) {
      const figures = Object.entries(rest).map(
        ([k, v]) =>
          `${k} ${typeof v === 'number' ? v.toLocaleString('en', { maximumFractionDigits: 3 }) : JSON.stringify(v)}`,
      );
      print(`  ${String(name).padEnd(52)} ${figures.join('  ')}`);
    }
    return;
  }
  for (const line of JSON.stringify(value, null, 2).split('\n')) print(`  ${line}`);
}

/**
 * Runs `runMatcherAccuracy()` (bench/matcher-accuracy.ts) and `runRenderThroughput()` (bench/render-throughput.ts)
 * and prints their figures. The matcher benchmark is loaded by path so the bench still runs while it is absent.
 */
export async function runOtherBenchmarks(
  print: Printer,
): Promise<{ matcherAccuracy: unknown; renderThroughput: unknown }> {
  print('\n== Matcher accuracy (bench/matcher-accuracy.ts)');
  let matcherAccuracy: unknown = null;
  const matcherUrl = new URL('./matcher-accuracy.ts', import.meta.url).href;
  const matcher = (await import(matcherUrl).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes('matcher-accuracy')) return undefined;
    throw error;
  })) as { runMatcherAccuracy?: () => unknown } | undefined;
  if (typeof matcher?.runMatcherAccuracy === 'function') {
    matcherAccuracy = await matcher.runMatcherAccuracy();
    printFigures(matcherAccuracy, print);
  } else print('  skipped: bench/matcher-accuracy.ts does not exist (or exports no runMatcherAccuracy) yet');

  print('\n== Renderer throughput (bench/render-throughput.ts)');
  const renderThroughput = await runRenderThroughput();
  for (const { name, responsesPerSecond } of renderThroughput) {
    print(`  ${name.padEnd(52)} ${responsesPerSecond.toLocaleString('en').padStart(12)} responses/s`);
  }
  return { matcherAccuracy, renderThroughput };
}
