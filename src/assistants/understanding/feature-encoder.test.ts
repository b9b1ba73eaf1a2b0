import { describe, expect, it } from 'vitest';
import { createFeatureEncoder } from './feature-encoder.ts';
import { textFeatures } from './intent-features.ts';
import { createTextAnalyzer } from './text-analysis.ts';

const en = createTextAnalyzer('en');

describe('createFeatureEncoder', () => {
  const training = ['where is my parcel', 'my parcel has not arrived', 'do you ship to spain', 'parcel parcel parcel'];

  /** The encoder after training, and the feature names by id, in the order it gave them. */
  function trained() {
    const encoder = createFeatureEncoder(en.stem);
    const names: string[] = [];
    for (const text of training) {
      const { words, contentWords } = en.read(text);
      const input = encoder.encode(contentWords, words, true);
      const features = [...textFeatures(contentWords, words, en.stem).keys()];
      input.indexes.forEach((id, i) => {
        names[id] ??= features[i]!;
      });
    }
    return { encoder, names };
  }

  it('gives textFeatures values exactly, in its order, repeated features added up', () => {
    const { encoder, names } = trained();
    const { words, contentWords } = en.read('parcel parcel parcel');
    const input = encoder.encode(contentWords, words, false);
    const expected = [...textFeatures(contentWords, words, en.stem)];
    expect(Array.from(input.indexes, (id) => names[id])).toEqual(expected.map(([name]) => name));
    expect(Array.from(input.values)).toEqual(expected.map(([, value]) => value));
  });

  it('scales to unit length before dropping the features no example had, so unknown words dilute a text', () => {
    const { encoder, names } = trained();
    const { words, contentWords } = en.read('my parcel never came to oslo');
    const input = encoder.encode(contentWords, words, false);
    const all = textFeatures(contentWords, words, en.stem);
    expect(input.indexes.length).toBeLessThan(all.size);
    Array.from(input.indexes).forEach((id, i) => {
      expect(input.values[i]).toBe(all.get(names[id]!));
    });
    expect(encoder.size).toBe(names.length); // reading gives no new ids
  });

  it('gives nothing for a text without words', () => {
    expect(createFeatureEncoder(en.stem).encode([], [], true).indexes.length).toBe(0);
  });
});
