/** Sparse vectors of character trigrams, the part of the matcher that shrugs off typos and word forms. */

/** A sparse vector: feature → weight. */
export type SparseVector = Map<string, number>;

/**
 * Counts the character trigrams of each word padded with spaces (" cat " → " ca", "cat", "at "),
 * so grams never span two words and word order does not matter.
 */
export function charTrigrams(words: readonly string[]): SparseVector {
  const counts: SparseVector = new Map();
  for (const word of words) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const gram = padded.slice(i, i + 3);
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  return counts;
}

/** Scales each count by its weight (absent features weigh `missing`) and normalises to unit length. */
export function weightAndNormalise(counts: SparseVector, weights: ReadonlyMap<string, number>, missing: number) {
  const vector: SparseVector = new Map();
  let norm = 0;
  for (const [gram, count] of counts) {
    const value = (1 + Math.log(count)) * (weights.get(gram) ?? missing);
    vector.set(gram, value);
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [gram, value] of vector) vector.set(gram, value / norm);
  return vector;
}
