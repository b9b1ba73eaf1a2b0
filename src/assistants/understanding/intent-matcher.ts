import { charTrigrams, cosine, type SparseVector, weightAndNormalise } from './char-ngrams.ts';
import { tokenize } from './fold-text.ts';
import { isStopword, stopwordsFor } from './stopwords.ts';
import { editDistance, wordSimilarity } from './word-similarity.ts';

/** An intent and the example phrasings it is trained from. */
export interface IntentDefinition {
  id: string;
  examples: readonly string[];
}

export interface IntentMatcherOptions {
  /** Language of the examples and inputs (stop words); default "en". Accents are folded in every language. */
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

interface Example {
  intent: string;
  text: string;
  words: string[];
  wordWeightSum: number;
  grams: SparseVector;
}

/** Content words of a text: folded, without stop words and bare numbers (all words if nothing else is left). */
function contentWords(text: string, stopwords: ReadonlySet<string>): string[] {
  const all = tokenize(text);
  const content = all.filter((w) => !isStopword(w, stopwords) && !/^\d+$/.test(w));
  return [...new Set(content.length > 0 ? content : all)];
}

/**
 * Trains an intent matcher from examples, with no model and no network. A text is compared with every
 * example by two measures, and an intent scores as well as its best example:
 * - word overlap weighted by rarity across intents (a word used by one intent says more than one used by all),
 *   counting misspelt and inflected words as partial matches and unknown words against the text;
 * - cosine similarity of character-trigram TF-IDF vectors, which tolerates typos, accents and word forms.
 */
export function createIntentMatcher(
  intents: readonly IntentDefinition[],
  options: IntentMatcherOptions = {},
): IntentMatcher {
  const stopwords = stopwordsFor(options.language ?? 'en');
  const raw = intents.flatMap((intent) =>
    intent.examples.map((text) => ({ intent: intent.id, text, words: contentWords(text, stopwords) })),
  );

  const intentsByWord = new Map<string, Set<string>>();
  for (const example of raw) {
    for (const word of example.words) {
      const set = intentsByWord.get(word) ?? new Set();
      set.add(example.intent);
      intentsByWord.set(word, set);
    }
  }
  const intentCount = Math.max(1, new Set(raw.map((e) => e.intent)).size);
  const wordWeight = new Map<string, number>();
  for (const [word, set] of intentsByWord) wordWeight.set(word, Math.log(1 + intentCount / set.size));
  // A word no example uses still counts against the match, a little less than a word owned by half the intents.
  const unknownWordWeight = Math.log(1 + 2);

  const gramCounts = raw.map((e) => charTrigrams(e.words));
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

  const vocabularySet = new Set(vocabulary);
  // "wher", "pleasse": a word no example uses that is a typo of a stop word is a stop word too.
  const isMistypedStopword = (word: string) =>
    word.length >= 4 &&
    !vocabularySet.has(word) &&
    [...stopwords].some((stop) => stop[0] === word[0] && editDistance(word, stop, 1) === 1);

  function rank(text: string): IntentScore[] {
    const candidates = contentWords(text, stopwords);
    const kept = candidates.filter((w) => !isMistypedStopword(w));
    const words = kept.length > 0 ? kept : candidates;
    // For each input word, its similarity to every vocabulary word it resembles.
    const resemblances = words.map((word) => {
      const similar = new Map<string, number>();
      let weight = unknownWordWeight;
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
    });
    const inputWeightSum = resemblances.reduce((sum, r) => sum + r.weight, 0);
    const grams = weightAndNormalise(charTrigrams(words), gramWeight, unseenGramWeight);

    const best = new Map<string, IntentScore>();
    for (const example of examples) {
      const score =
        WORD_SHARE * wordScore(example, resemblances, inputWeightSum) + (1 - WORD_SHARE) * cosine(grams, example.grams);
      const current = best.get(example.intent);
      if (!current || score > current.score)
        best.set(example.intent, { intent: example.intent, score, example: example.text });
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  }

  function wordScore(
    example: Example,
    resemblances: { similar: Map<string, number>; weight: number }[],
    inputWeightSum: number,
  ) {
    if (inputWeightSum === 0 || example.wordWeightSum === 0) return 0;
    // How much of the input the example explains, and how much of the example the input covers.
    let inputCovered = 0;
    const exampleCovered = new Map<string, number>();
    for (const { similar, weight } of resemblances) {
      let bestSim = 0;
      for (const word of example.words) {
        const sim = similar.get(word) ?? 0;
        bestSim = Math.max(bestSim, sim);
        if (sim > (exampleCovered.get(word) ?? 0)) exampleCovered.set(word, sim);
      }
      inputCovered += weight * bestSim;
    }
    let exampleSum = 0;
    for (const [word, sim] of exampleCovered) exampleSum += (wordWeight.get(word) ?? 0) * sim;
    return (inputCovered / inputWeightSum + exampleSum / example.wordWeightSum) / 2;
  }

  return { rank };
}
