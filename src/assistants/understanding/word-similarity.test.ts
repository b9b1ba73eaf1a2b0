import { describe, expect, it } from 'vitest';
import { editDistance, wordSimilarity } from './word-similarity.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('order', 'oder', 2)).toBe(1);
    expect(editDistance('refund', 'refnd', 2)).toBe(1);
    expect(editDistance('return', 'retrun', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
  });

  it('stops at max + 1 once the words are known to be further apart', () => {
    expect(editDistance('bitcoin', 'back', 1)).toBe(2);
    expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3);
  });
});

describe('wordSimilarity', () => {
  it('is 1 for the same word and high for the same stem', () => {
    expect(wordSimilarity('order', 'order')).toBe(1);
    expect(wordSimilarity('orders', 'order')).toBeGreaterThan(0.9);
  });

  it('accepts one typo in words of four letters or more', () => {
    expect(wordSimilarity('shiping', 'shipping')).toBeGreaterThan(0.7);
    expect(wordSimilarity('adress', 'address')).toBeGreaterThan(0.7);
    expect(wordSimilarity('wher', 'where')).toBeGreaterThan(0.7);
  });

  it('relates a short word to its longer forms through their shared beginning', () => {
    expect(wordSimilarity('ship', 'shipping')).toBeCloseTo(0.9);
    expect(wordSimilarity('annuler', 'annulation')).toBeGreaterThan(0.5);
  });

  it('does not take different words for typos of each other', () => {
    expect(wordSimilarity('tall', 'call')).toBe(0);
    expect(wordSimilarity('bitcoin', 'back')).toBe(0);
    expect(wordSimilarity('car', 'card')).toBe(0);
    expect(wordSimilarity('nouvelles', 'nouveautes')).toBe(0);
  });
});
