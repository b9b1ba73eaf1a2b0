import { charTrigrams, cosine, type SparseVector, weightAndNormalise } from './char-ngrams.ts';
import { createTextAnalyzer } from './text-analysis.ts';
import { wordSimilarity } from './word-similarity.ts';

/** An intent and the example phrasings it is trained from. */
export interface IntentDefinition {
  id: string;
  examples: readonly string[];
}

export interface IntentMatcherOptions {
  /**
   * Language of the examples and inputs: stop words and the built-in lexicon of synonyms (lexicon.ts);
   * default "en". Accents are folded in every language.
   */
  language?: string;
}

/** How well a text matches one intent: 0 (nothing in common) to 1 (same words as an example). */
export interface IntentScore {
  intent: string;
  score: number;
  /** The training example that scored best. */
  example: string;
}

export interface IntentMatcher {
  /** Every intent with its score, best first (ties keep definition order). Empty when there are no examples. */
  rank(text: string): IntentScore[];
}

/** Share of the score that comes from word overlap; the rest comes from character trigrams. */
const WORD_SHARE = 0.5;
/** How much a question word ("where", "quand") weighs next to another word used by as many intents. */
const QUESTION_WORD_WEIGHT = 0.5;

interface Example {
  intent: string;
  text: string;
  words: string[];
  wordWeightSum: number;
  grams: SparseVector;
}

/** An input word and how much each vocabulary word it resembles counts as it (0..1). */
interface InputWord {
  similar: Map<string, number>;
  weight: number;
}

/**
 * Trains an intent matcher from examples, with no model and no network. A text's score for an intent mixes:
 * - word overlap, each word weighted by its rarity across intents (a word used by one intent says more than
 *   one used by all), with misspelt and inflected words as partial matches and unknown words counting against
 *   the text: how much of the text the intent's examples explain, taken together (so "order" and "late" from
 *   two examples of one intent add up), and how much of its best example the text says;
 * - cosine similarity of character-trigram TF-IDF vectors with that example, which absorbs typos and word forms.
 */
export function createIntentMatcher(
  intents: readonly IntentDefinition[],
  options: IntentMatcherOptions = {},
): IntentMatcher {
  const analyzer = createTextAnalyzer(options.language ?? 'en');
  const raw = intents.flatMap((intent) =>
    intent.examples.map((text) => ({ intent: intent.id, text, words: analyzer.contentWords(text) })),
  );

  const intentsByWord = new Map<string, Set<string>>();
  for (const example of raw) {
    for (const word of example.words) {
      const set = intentsByWord.get(word) ?? new Set();
      set.add(example.intent);
      intentsByWord.set(word, set);
    }
  }
  const intentIds = [...new Set(raw.map((e) => e.intent))];
  const wordWeight = new Map<string, number>();
  const damp = (word: string) => (analyzer.isQuestionWord(word) ? QUESTION_WORD_WEIGHT : 1);
  for (const [word, set] of intentsByWord) wordWeight.set(word, Math.log(1 + intentIds.length / set.size) * damp(word));
  // A word no example uses still counts against the match, a little less than a word owned by half the intents.
  const unknownWordWeight = Math.log(1 + 2);

  // Question words stay out of the trigrams: their letters would weigh as much as any other word's.
  const gramWords = (words: string[]) => words.filter((w) => !analyzer.isQuestionWord(w));
  const gramCounts = raw.map((e) => charTrigrams(gramWords(e.words)));
  const gramDf = new Map<string, number>();
  for (const counts of gramCounts) for (const gram of counts.keys()) gramDf.set(gram, (gramDf.get(gram) ?? 0) + 1);
  const gramWeight = new Map<string, number>();
  for (const [gram, df] of gramDf) gramWeight.set(gram, Math.log((1 + raw.length) / (1 + df)) + 1);
  const unseenGramWeight = Math.log(1 + raw.length) + 1;

  const examples: Example[] = raw.map((e, i) => ({
    ...e,
    wordWeightSum: e.words.reduce((sum, w) => sum + (wordWeight.get(w) ?? 0), 0),
    grams: weightAndNormalise(gramCounts[i]!, gramWeight, unseenGramWeight),
  }));
  const vocabulary = [...intentsByWord.keys()];

  function inputWord(word: string): InputWord {
    const similar = new Map<string, number>();
    let weight = unknownWordWeight * damp(word);
    let best = 0;
    for (const known of vocabulary) {
      const sim = wordSimilarity(word, known);
      if (sim === 0) continue;
      similar.set(known, sim);
      if (sim > best) {
        best = sim;
        weight = wordWeight.get(known) ?? unknownWordWeight;
      }
    }
    return { similar, weight };
  }

  function rank(text: string): IntentScore[] {
    const candidates = analyzer.contentWords(text);
    // A word no example uses may be a typo: "packge" → "parcel", "wher" → "where", "pleasse" → dropped.
    const corrected: string[] = [];
    for (const word of candidates) {
      const kept = intentsByWord.has(word) ? word : analyzer.correct(word);
      if (kept !== undefined) corrected.push(kept);
    }
    const words = [...new Set(corrected.length > 0 ? corrected : candidates)];
    const inputs = words.map(inputWord);
    const inputWeightSum = inputs.reduce((sum, r) => sum + r.weight, 0);
    const grams = weightAndNormalise(charTrigrams(gramWords(words)), gramWeight, unseenGramWeight);

    // For each intent, how well its examples together explain each input word.
    const explained = new Map(intentIds.map((id) => [id, inputs.map(() => 0)]));
    const exampleCoverage = examples.map((example) => {
      const perInput = explained.get(example.intent)!;
      let covered = 0;
      for (const word of example.words) {
        let bestSim = 0;
        inputs.forEach(({ similar }, i) => {
          const sim = similar.get(word) ?? 0;
          bestSim = Math.max(bestSim, sim);
          if (sim > perInput[i]!) perInput[i] = sim;
        });
        covered += (wordWeight.get(word) ?? 0) * bestSim;
      }
      return example.wordWeightSum === 0 ? 0 : covered / example.wordWeightSum;
    });
    const textCoverage = new Map<string, number>();
    for (const [intent, perInput] of explained) {
      const covered = inputs.reduce((sum, { weight }, i) => sum + weight * perInput[i]!, 0);
      textCoverage.set(intent, inputWeightSum === 0 ? 0 : covered / inputWeightSum);
    }

    const best = new Map<string, IntentScore>();
    examples.forEach((example, e) => {
      const overlap = inputWeightSum === 0 ? 0 : (textCoverage.get(example.intent)! + exampleCoverage[e]!) / 2;
      // Rounded so that a text with the same words as an example scores exactly 1, not 0.9999999999999998.
      const score = Math.round((WORD_SHARE * overlap + (1 - WORD_SHARE) * cosine(grams, example.grams)) * 1e9) / 1e9;
      const current = best.get(example.intent);
      if (!current || score > current.score)
        best.set(example.intent, { intent: example.intent, score, example: example.text });
    });
    return [...best.values()].sort((a, b) => b.score - a.score);
  }

  return { rank };
}
