import { describe, expect, it } from 'vitest';
import { textFeatures } from './intent-features.ts';
import { stemmerFor } from './stemmer.ts';

const stem = stemmerFor('en');

describe('textFeatures', () => {
  const features = textFeatures(['parcel', 'arriving'], ['where', 'my', 'parcel', 'arriving'], stem);

  it('has content words, stems, all words, neighbouring pairs and character 3- to 5-grams', () => {
    for (const f of [
      'w:parcel',
      's:arriv',
      'a:my',
      'p:^ wher',
      'p:my parcel',
      'p:arriv $',
      'c: pa',
      'c:parc',
      'c:cel ',
    ])
      expect(features.has(f), f).toBe(true);
    expect(features.has('w:my')).toBe(false);
    expect(features.has('c:parcel')).toBe(false);
  });

  it('is a unit vector', () => {
    const norm = [...features.values()].reduce((s, v) => s + v * v, 0);
    expect(norm).toBeCloseTo(1);
  });

  it('is empty for a text without words', () => {
    expect(textFeatures([], [], stem).size).toBe(0);
  });
});
