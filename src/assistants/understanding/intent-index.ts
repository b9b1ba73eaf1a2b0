import { charTrigrams, type SparseVector, weightAndNormalise } from './char-ngrams.ts';
import type { TextAnalyzer } from './text-analysis.ts';
import { editDistance, type StemmedWord } from './word-similarity.ts';

/** How much a question word ("where", "quand") weighs next to another word used by as many intents. */
const QUESTION_WORD_WEIGHT = 0.5;

/** A word some example uses. */
export interface KnownWord extends StemmedWord {
  /** `log(1 + intents / intents using it)`, halved for question words: rare words say more. */
  weight: number;
  /** Indexes of the examples and of the intents that use it. */
  examples: number[];
  intents: number[];
}

export interface IndexedExample {
  intent: number;
  text: string;
  /** Its content words, and all its words (text-analysis.ts). */
  contentWords: readonly string[];
  allWords: readonly string[];
  /** Sum of the weights of its content words. */
  wordWeightSum: number;
}

/** What the matcher learns from the examples: vocabulary, word weights and a trigram index. */
export interface IntentIndex {
  intentIds: string[];
  examples: IndexedExample[];
  /**
   * The known words that begin with a word's first letter: every similarity but 0 needs it (word-similarity.ts),
   * so a text's word is compared with these only.
   */
  wordsLike(word: string): readonly KnownWord[];
  words: ReadonlyMap<string, KnownWord>;
  /**
   * The one known word an unknown word of 5+ letters misspells by a single typo, first letter kept ("candels" →
   * "candles"), so both halves of the score see it; undefined when none or several fit ("odder": "order", "older").
   */
  misspelt(word: string): string | undefined;
  /** Weight of a word no example uses (it counts against the match). */
  unknownWordWeight(word: string): number;
  /** The unit TF-IDF trigram vector of some content words. */
  trigramVector(words: readonly string[]): SparseVector;
  /** For each trigram, the examples whose unit vectors have it, with its value there. */
  trigramPostings: ReadonlyMap<string, { example: number; value: number }[]>;
}

/** Indexes the examples of every intent, in order. */
export function buildIntentIndex(
  intents: readonly { id: string; examples: readonly string[] }[],
  analyzer: TextAnalyzer,
): IntentIndex {
  const withExamples = intents.filter((i) => i.examples.length > 0);
  const intentIds = withExamples.map((i) => i.id);
  const raw = withExamples.flatMap((intent, i) =>
    intent.examples.map((text) => {
      const { words, contentWords } = analyzer.read(text);
      return { intent: i, text, words: contentWords, allWords: words };
    }),
  );
  const damp = (word: string) => (analyzer.isQuestionWord(word) ? QUESTION_WORD_WEIGHT : 1);

  const words = new Map<string, KnownWord>();
  raw.forEach((example, e) => {
    for (const word of example.words) {
      const known = words.get(word) ?? { word, stem: analyzer.stem(word), weight: 0, examples: [], intents: [] };
      known.examples.push(e);
      if (!known.intents.includes(example.intent)) known.intents.push(example.intent);
      words.set(word, known);
    }
  });
  for (const known of words.values())
    known.weight = Math.log(1 + intentIds.length / known.intents.length) * damp(known.word);

  // Question words stay out of the trigrams: their letters would weigh as much as any other word's.
  const gramWords = (list: readonly string[]) => list.filter((w) => !analyzer.isQuestionWord(w));
  const gramCounts = raw.map((e) => charTrigrams(gramWords(e.words)));
  const gramDf = new Map<string, number>();
  for (const counts of gramCounts) for (const gram of counts.keys()) gramDf.set(gram, (gramDf.get(gram) ?? 0) + 1);
  const gramWeight = new Map<string, number>();
  for (const [gram, df] of gramDf) gramWeight.set(gram, Math.log((1 + raw.length) / (1 + df)) + 1);
  const unseenGramWeight = Math.log(1 + raw.length) + 1;
  const trigramPostings = new Map<string, { example: number; value: number }[]>();
  gramCounts.forEach((counts, example) => {
    for (const [gram, value] of weightAndNormalise(counts, gramWeight, unseenGramWeight)) {
      const list = trigramPostings.get(gram) ?? [];
      list.push({ example, value });
      trigramPostings.set(gram, list);
    }
  });

  const byFirstLetter = new Map<string, KnownWord[]>();
  for (const known of words.values()) {
    const list = byFirstLetter.get(known.word[0]!) ?? [];
    list.push(known);
    byFirstLetter.set(known.word[0]!, list);
  }
  const wordsLike = (word: string) => byFirstLetter.get(word[0] ?? '') ?? [];
  return {
    intentIds,
    examples: raw.map((e) => ({
      intent: e.intent,
      text: e.text,
      contentWords: e.words,
      allWords: e.allWords,
      wordWeightSum: e.words.reduce((sum, w) => sum + (words.get(w)?.weight ?? 0), 0),
    })),
    wordsLike,
    words,
    misspelt(word) {
      if (word.length < 5) return undefined;
      const stem = analyzer.stem(word);
      // Words of the same stem are inflections, which the word overlap already matches.
      const near = wordsLike(word).filter(
        (k) => k.stem !== stem && k.word.length >= 4 && editDistance(word, k.word, 1) === 1,
      );
      return near.length === 1 ? near[0]!.word : undefined;
    },
    // A little less than a word owned by half the intents.
    unknownWordWeight: (word) => Math.log(1 + 2) * damp(word),
    trigramVector: (list) => weightAndNormalise(charTrigrams(gramWords(list)), gramWeight, unseenGramWeight),
    trigramPostings,
  };
}
