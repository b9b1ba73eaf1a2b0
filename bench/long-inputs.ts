/**
 * What one long message or answer costs the processing thread, which handles every conversation: each kind of work a
 * person or a bot controls, timed on 10,000 and 100,000 characters. Linear work grows tenfold; the target allows for
 * noise, and catches what grows with the square (a hundredfold) or worse.
 * Run alone: `node --import tsx bench/long-inputs.ts`.
 */
import { pathToFileURL } from 'node:url';
import { loadFlowAssistant } from '../src/assistants/flow/load-flow-assistant.ts';
import { dropUnfinishedSentence } from '../src/assistants/llm/unfinished-sentence.ts';
import { defaultPageSettings } from '../src/config/page-settings.ts';
import { escalationOf } from '../src/conversations/turn-escalation.ts';
import { renderResponses } from '../src/messenger/render/render-responses.ts';
import { splitText } from '../src/text/split-text.ts';
import { graphemes, words } from '../src/text/text-units.ts';

const PROSE = 'Your order left our warehouse this morning, and the courier brings it tomorrow. ';
const SIZES = [10_000, 100_000] as const;
/** Growth from 10,000 to 100,000 characters allowed: ten for linear work, and room for this machine's noise. */
export const MAX_GROWTH = 25;

const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
const session = () => ({ id: 's', context: {}, state: {}, started_at: 0, last_activity_at: 0 });
const escalation = (text: string) => escalationOf({ kind: 'text', text }, session(), defaultPageSettings, 0);

export interface LongInputFigure {
  name: string;
  /** Milliseconds for each size, best of three. */
  ms: Record<(typeof SIZES)[number], number>;
  growth: number;
}

export async function runLongInputs(): Promise<LongInputFigure[]> {
  const flow = await loadFlowAssistant(new URL('../assistants/shop-support.en.yaml', import.meta.url).pathname);
  const cases: [string, (length: number) => unknown][] = [
    ['escalation checks: prose', (n) => escalation(fill(PROSE, n))],
    ['escalation checks: blank lines', (n) => escalation(`Hi${'\n'.repeat(n)}thanks`)],
    ['escalation checks: fillers', (n) => escalation(fill('a x ', n))],
    ['escalation checks: "ne … sans"', (n) => escalation(fill('ne sans parler a un conseiller ', n))],
    ['flow understanding: prose', (n) => flow.understand(fill(PROSE, n))],
    ['split: prose, readable', (n) => splitText(fill(PROSE, n), { maxLength: 2000, readableLength: 320 })],
    ['split: blank space', (n) => splitText(`a${fill(' \t', n)}a`, { maxLength: 2000 })],
    ['split: initials', (n) => splitText(fill('Smith J. ', n), { maxLength: 2000 })],
    ['split: one word', (n) => splitText(fill('x', n), { maxLength: 2000 })],
    ['render: a bot text', (n) => renderResponses([{ type: 'text', text: fill(PROSE, n) }], { readableLength: 320 })],
    ['model answer cut at the token limit', (n) => dropUnfinishedSentence(`${fill(PROSE, n)} and then`)],
    ['graphemes', (n) => graphemes(fill('é🇫🇷', n))],
    ['words: one long word, then short ones', (n) => words(`${'x'.repeat(n / 2)}${fill(' a', n / 2)}`)],
  ];
  const figures: LongInputFigure[] = [];
  for (const [name, run] of cases) {
    const ms = { 10000: 0, 100000: 0 };
    for (const size of SIZES) {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        run(size);
        best = Math.min(best, performance.now() - started);
      }
      ms[size] = best;
    }
    // Below a millisecond the ratio is noise: counted from 1 ms.
    figures.push({ name, ms, growth: Math.max(ms[100_000], 1) / Math.max(ms[10_000], 1) });
  }
  return figures;
}

export function describeLongInputs(figures: LongInputFigure[]): string[] {
  const lines = figures.map(
    ({ name, ms, growth }) =>
      `  ${name.padEnd(40)} ${ms[10_000].toFixed(1).padStart(8)} ms ${ms[100_000].toFixed(1).padStart(9)} ms  ×${growth.toFixed(1)}`,
  );
  const worst = Math.max(...figures.map((f) => f.growth));
  return [
    `  ${''.padEnd(40)} ${'10,000'.padStart(11)} ${'100,000 chars'.padStart(12)}`,
    ...lines,
    `  ${worst <= MAX_GROWTH ? 'PASS' : 'MISS'}  every kind grows at most ×${MAX_GROWTH} from 10,000 to 100,000 characters (worst ×${worst.toFixed(1)})`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of describeLongInputs(await runLongInputs())) console.log(line);
}
