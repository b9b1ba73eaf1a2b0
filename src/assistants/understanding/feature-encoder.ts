/**
 * The features of intent-features.ts as the model reads them, fast: each feature name is given an integer id once
 * (training) and each word's own features are worked out once, so a text costs a few array writes per feature instead
 * of building and hashing strings. Gives exactly `textFeatures`' values, in its order (so sums round alike).
 */
import { contextFeatures, wordFeatureNames } from './intent-features.ts';
import { memoized } from './memoized.ts';
import type { TextAnalyzer } from './text-analysis.ts';

/** A word's own features: the ids of those the training examples had, the names of the others, and their weights. */
interface WordFeatures {
  /** An id, or -1 where `names` holds a feature no example had. */
  ids: Int32Array;
  names: (string | undefined)[];
  weights: Float64Array;
}

/** A text's features: ids and values, same length (a `SparseInput` of logistic-regression.ts). */
export interface EncodedText {
  indexes: Int32Array;
  values: Float64Array;
}

export interface FeatureEncoder {
  /** How many features the examples have had so far. */
  readonly size: number;
  /**
   * A text's features as a unit vector, without those no example had. `learn` (training only) gives every new
   * feature an id; once reading texts (`learn` false), the ids must no longer change.
   */
  encode(contentWords: readonly string[], allWords: readonly string[], learn: boolean): EncodedText;
}

/** How many words' features the encoder remembers once training is done (input words are unbounded). */
const MEMORY = 5000;

export function createFeatureEncoder(stem: TextAnalyzer['stem']): FeatureEncoder {
  const ids = new Map<string, number>();
  const idOf = (name: string, learn: boolean) => {
    let id = ids.get(name);
    if (id === undefined && learn) {
      id = ids.size;
      ids.set(name, id);
    }
    return id ?? -1;
  };
  const wordFeatures = (word: string, learn: boolean): WordFeatures => {
    const { names, weights } = wordFeatureNames(word, stem(word));
    const features: WordFeatures = { ids: new Int32Array(names.length), names: [], weights: new Float64Array(weights) };
    names.forEach((name, i) => {
      features.ids[i] = idOf(name, learn);
      features.names.push(features.ids[i]! < 0 ? name : undefined);
    });
    return features;
  };
  // While training every name gets an id; after, words are remembered with the names of the features they lack.
  const learnt = new Map<string, WordFeatures>();
  const learning = (word: string) => {
    let features = learnt.get(word);
    if (features === undefined) {
      features = wordFeatures(word, true);
      learnt.set(word, features);
    }
    return features;
  };
  const reading = memoized((word: string) => learnt.get(word) ?? wordFeatures(word, false), MEMORY);
  const stems = memoized(stem, MEMORY);

  // Scratch space reused across texts: each id's value so far, and the order ids first appeared in.
  let values = new Float64Array(1024);
  let seen = new Uint8Array(1024);
  const order: number[] = [];
  // Features no example had: their values, by name (negative ids in `order`: -1 - position).
  const unknown = new Map<string, number>();
  const unknownValues: number[] = [];

  function add(id: number, name: string | undefined, weight: number) {
    if (id < 0) {
      let at = unknown.get(name!);
      if (at === undefined) {
        at = unknownValues.length;
        unknown.set(name!, at);
        unknownValues.push(0);
        order.push(-1 - at);
      }
      unknownValues[at]! += weight;
      return;
    }
    if (id >= values.length) {
      const size = Math.max(id + 1, values.length * 2);
      values = grow(values, size);
      seen = grow(seen, size);
    }
    if (seen[id] === 0) {
      seen[id] = 1;
      order.push(id);
    }
    values[id]! += weight;
  }

  const addLearning = (name: string, weight: number) => add(idOf(name, true), name, weight);
  const addReading = (name: string, weight: number) => add(idOf(name, false), name, weight);

  function encode(contentWords: readonly string[], allWords: readonly string[], learn: boolean): EncodedText {
    for (const word of contentWords) {
      const features = learn ? learning(word) : reading(word);
      for (let i = 0; i < features.ids.length; i++) add(features.ids[i]!, features.names[i], features.weights[i]!);
    }
    contextFeatures(allWords.map(stems), learn ? addLearning : addReading);

    let norm = 0;
    let knownCount = 0;
    for (const ref of order) {
      const value = ref >= 0 ? values[ref]! : unknownValues[-1 - ref]!;
      norm += value * value;
      if (ref >= 0) knownCount++;
    }
    norm = Math.sqrt(norm);
    const input = { indexes: new Int32Array(knownCount), values: new Float64Array(knownCount) };
    let at = 0;
    for (const id of order) {
      if (id < 0) continue;
      input.indexes[at] = id;
      input.values[at++] = norm > 0 ? values[id]! / norm : values[id]!;
      values[id] = 0;
      seen[id] = 0;
    }
    order.length = 0;
    unknown.clear();
    unknownValues.length = 0;
    return input;
  }

  return {
    get size() {
      return ids.size;
    },
    encode,
  };
}

/** A copy of a typed array with room for `size` entries. */
function grow<T extends Float64Array | Uint8Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (size: number) => T)(size);
  bigger.set(array);
  return bigger;
}
