/**
 * How alike two folded words are, from 1 (same word) down to 0, tolerant of plurals, inflections and typos.
 * Deliberately simple and language-neutral; character n-grams (char-ngrams.ts) cover what it misses.
 */
import { lightStem } from './stemmer.ts';

export { lightStem };

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), or `max + 1`
 * as soon as the distance is known to exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Three rolling rows, so a comparison allocates three small arrays whatever the lengths.
  let prevPrev = new Int32Array(b.length + 1);
  let prev = new Int32Array(b.length + 1);
  let row = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, prevPrev[j - 2]! + 1);
      }
      row[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return prev[b.length]!;
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Similarity of two folded words:
 * 1 same word; 0.95 same light stem; for a shared beginning of 4+ letters covering at least 60% of the shorter
 * word, 0.9 × that share ("ship"/"shipping" 0.9, "annuler"/"annulation" 0.64); 0.8 for one typo in words of
 * 4+ letters, 0.6 for two in words of 8+ letters, typos only when the first letters agree (people rarely
 * mistype the first letter, and "tall"/"call" are different words); else 0. Words under 4 letters must
 * match exactly or by stem.
 */
export function wordSimilarity(a: string, b: string): number {
  return stemmedWordSimilarity({ word: a, stem: lightStem(a) }, { word: b, stem: lightStem(b) });
}

/** A word and its stem (stemmer.ts), computed once when one word is compared with many. */
export interface StemmedWord {
  word: string;
  stem: string;
}

/** `wordSimilarity` for words whose stems are already known. */
export function stemmedWordSimilarity(x: StemmedWord, y: StemmedWord): number {
  const a = x.word;
  const b = y.word;
  if (a === b) return 1;
  if (x.stem === y.stem) return 0.95;
  const shorter = Math.min(a.length, b.length);
  if (shorter < 4) return 0;
  const prefix = commonPrefixLength(a, b);
  const prefixSimilarity = prefix >= 4 && prefix >= 0.6 * shorter ? (0.9 * prefix) / shorter : 0;
  if (a[0] !== b[0]) return prefixSimilarity;
  const maxTypos = shorter >= 8 ? 2 : 1;
  const distance = editDistance(a, b, maxTypos);
  const typoSimilarity = distance === 1 ? 0.8 : distance === 2 && maxTypos === 2 ? 0.6 : 0;
  return Math.max(prefixSimilarity, typoSimilarity);
}
