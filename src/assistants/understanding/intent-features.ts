/**
 * The sparse features the learned model (logistic-regression.ts) reads from a text: its content words and their
 * stems, pairs of neighbouring words, and the character 3- to 5-grams of each content word. The names are defined
 * here once; `textFeatures` adds them up plainly, and feature-encoder.ts numbers them for the model.
 */
import type { TextAnalyzer } from './text-analysis.ts';

/** How much each kind of feature weighs before the whole vector is scaled to unit length. */
export const FEATURE_WEIGHTS = { word: 1, stem: 1, pair: 1, gram: 0.35, all: 1 };

/**
 * A content word's own features, in order: the word, its stem, and its character 3- to 5-grams padded with spaces
 * ("cat" → " ca", "cat", "at ", " cat", …).
 */
export function wordFeatureNames(word: string, stem: string): { names: string[]; weights: number[] } {
  const names = [`w:${word}`, `s:${stem}`];
  const weights = [FEATURE_WEIGHTS.word, FEATURE_WEIGHTS.stem];
  const padded = ` ${word} `;
  for (let n = 3; n <= 5; n++) {
    for (let i = 0; i + n <= padded.length; i++) {
      names.push(`c:${padded.slice(i, i + n)}`);
      weights.push(FEATURE_WEIGHTS.gram);
    }
  }
  return { names, weights };
}

/** The features of the whole text, in order: each word's stem, and each pair of neighbouring stems from `^` to `$`. */
export function contextFeatures(stems: readonly string[], visit: (name: string, weight: number) => void) {
  let previous = '^';
  for (const stem of stems) {
    visit(`a:${stem}`, FEATURE_WEIGHTS.all);
    visit(`p:${previous} ${stem}`, FEATURE_WEIGHTS.pair);
    previous = stem;
  }
  if (stems.length > 0) visit(`p:${previous} $`, FEATURE_WEIGHTS.pair);
}

/**
 * The features of a text, given its content words (after the lexicon and typo reading) and all its words (stop words
 * included, which tell "where is my parcel" from "do you ship"), as a unit-length vector: feature → value. The plain
 * statement of what feature-encoder.ts computes fast.
 */
export function textFeatures(
  contentWords: readonly string[],
  allWords: readonly string[],
  stem: TextAnalyzer['stem'],
): Map<string, number> {
  const features = new Map<string, number>();
  const add = (feature: string, weight: number) => {
    features.set(feature, (features.get(feature) ?? 0) + weight);
  };
  for (const word of contentWords) {
    const { names, weights } = wordFeatureNames(word, stem(word));
    for (let i = 0; i < names.length; i++) add(names[i] as string, weights[i] as number);
  }
  contextFeatures(allWords.map(stem), add);
  let norm = 0;
  for (const value of features.values()) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [feature, value] of features) features.set(feature, value / norm);
  return features;
}
