/**
 * The sparse features the learned model (logistic-regression.ts) reads from a text: its content words and their
 * stems, pairs of neighbouring words, and the character 3- to 5-grams of each content word. `textFeatures` says what
 * they are, by name; the model reads the same values through feature-encoder.ts, which numbers them.
 */
import type { TextAnalyzer } from './text-analysis.ts';

/** How much each kind of feature weighs before the whole vector is scaled to unit length. */
export const FEATURE_WEIGHTS = { word: 1, stem: 1, pair: 1, gram: 0.35, all: 1 };

/** Character n-grams of a word padded with spaces, 3 to 5 letters long ("cat" → " ca", "cat", "at ", " cat", …). */
function charGrams(word: string, into: Map<string, number>, weight: number) {
  const padded = ` ${word} `;
  for (let n = 3; n <= 5; n++) {
    for (let i = 0; i + n <= padded.length; i++) {
      const gram = `c:${padded.slice(i, i + n)}`;
      into.set(gram, (into.get(gram) ?? 0) + weight);
    }
  }
}

/**
 * The features of a text, given its content words (after the lexicon and typo reading) and all its words (stop words
 * included, which tell "where is my parcel" from "do you ship"), as a unit-length vector: feature → value.
 */
export function textFeatures(
  contentWords: readonly string[],
  allWords: readonly string[],
  stem: TextAnalyzer['stem'],
  weights = FEATURE_WEIGHTS,
): Map<string, number> {
  const features = new Map<string, number>();
  const add = (feature: string, weight: number) => features.set(feature, (features.get(feature) ?? 0) + weight);
  for (const word of contentWords) {
    add(`w:${word}`, weights.word);
    add(`s:${stem(word)}`, weights.stem);
    charGrams(word, features, weights.gram);
  }
  const stems = allWords.map(stem);
  stems.forEach((s, i) => {
    add(`a:${s}`, weights.all);
    add(`p:${stems[i - 1] ?? '^'} ${s}`, weights.pair);
  });
  if (stems.length > 0) add(`p:${stems[stems.length - 1]} $`, weights.pair);
  let norm = 0;
  for (const value of features.values()) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [feature, value] of features) features.set(feature, value / norm);
  return features;
}
