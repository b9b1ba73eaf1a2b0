/**
 * Intent-matcher accuracy on held-out phrasings: each test/fixtures/matcher/<assistant>.json holds
 * `[{text, expected_action}]` written apart from the training examples of assistants/<assistant>.yaml
 * (`expected_action: "fallback"` means no action should start). Run alone: `npx tsx bench/matcher-accuracy.ts`
 * (`--verbose` lists the misses). Deterministic: no clock, no randomness.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadFlowAssistant } from '../src/assistants/flow/index.ts';
import { foldText } from '../src/assistants/understanding/index.ts';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/matcher/', import.meta.url));
const ASSISTANTS = fileURLToPath(new URL('../assistants/', import.meta.url));

export interface MatcherAccuracy {
  assistant: string;
  total: number;
  correct: number;
  accuracy: number;
}

interface Miss {
  assistant: string;
  text: string;
  expected: string;
  got: string;
  score: number;
}

async function evaluate(name: string, misses: Miss[]): Promise<MatcherAccuracy> {
  const assistant = await loadFlowAssistant(`${ASSISTANTS}${name}.yaml`);
  const rows = JSON.parse(await readFile(`${FIXTURES}${name}.json`, 'utf8')) as {
    text: string;
    expected_action: string;
  }[];
  const training = new Set(assistant.definition.actions.flatMap((a) => a.examples.map(foldText)));
  const leaked = rows.filter((r) => training.has(foldText(r.text)));
  if (leaked.length > 0) {
    throw new Error(`${name}: held-out phrasings are also training examples: ${leaked.map((r) => r.text).join(', ')}`);
  }
  let correct = 0;
  for (const row of rows) {
    const understanding = assistant.understand(row.text);
    const got = understanding.action ?? 'fallback';
    if (got === row.expected_action) correct++;
    else
      misses.push({ assistant: name, text: row.text, expected: row.expected_action, got, score: understanding.score });
  }
  return { assistant: name, total: rows.length, correct, accuracy: rows.length === 0 ? 0 : correct / rows.length };
}

async function runWithMisses(): Promise<{ results: MatcherAccuracy[]; misses: Miss[] }> {
  const names = (await readdir(FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
  const misses: Miss[] = [];
  const results: MatcherAccuracy[] = [];
  for (const name of names) results.push(await evaluate(name, misses));
  return { results, misses };
}

/** Accuracy of each sample assistant's matcher on its held-out phrasings (fallback expectations included). */
export async function runMatcherAccuracy(): Promise<MatcherAccuracy[]> {
  return (await runWithMisses()).results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { results, misses } = await runWithMisses();
  for (const r of results) {
    console.log(
      `${r.assistant.padEnd(24)} ${String(r.correct).padStart(4)}/${r.total}  ${(r.accuracy * 100).toFixed(1)} %`,
    );
  }
  const total = results.reduce((n, r) => n + r.total, 0);
  const correct = results.reduce((n, r) => n + r.correct, 0);
  console.log(`${'all'.padEnd(24)} ${String(correct).padStart(4)}/${total}  ${((correct / total) * 100).toFixed(1)} %`);
  if (process.argv.includes('--verbose')) {
    for (const m of misses) {
      console.log(`  ${m.assistant}: "${m.text}" expected ${m.expected}, got ${m.got} (${m.score.toFixed(2)})`);
    }
  }
}
