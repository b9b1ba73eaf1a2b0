import { describe, expect, it } from 'vitest';
import { trainIntentModel } from './intent-model.ts';
import { createTextAnalyzer } from './text-analysis.ts';

const en = createTextAnalyzer('en');
const read = (text: string) => ({ contentWords: en.contentWords(text), words: en.words(text) });

describe('trainIntentModel', () => {
  const examples = [
    ['where is my parcel', 0],
    ['my order has not arrived', 0],
    ['do you ship to spain', 1],
    ['how much is delivery abroad', 1],
  ] as const;
  const model = trainIntentModel(
    examples.map(([text, intent]) => ({ ...read(text), intent })),
    2,
    en.stem,
  );

  it('learns words that tell intents apart, from phrasings it never saw', () => {
    expect(model.probabilities(read('has my parcel arrived'))[0]).toBeGreaterThan(0.6);
    expect(model.probabilities(read('do you deliver to canada'))[1]).toBeGreaterThan(0.6);
  });

  it('reads stop words too: "my" leans towards an order of ones own', () => {
    expect(model.probabilities(read('where is my'))[0]).toBeGreaterThan(0.5);
  });

  it('is less sure of a text made of words it never saw', () => {
    const known = Math.max(...model.probabilities(read('where is my parcel')));
    const unknown = Math.max(...model.probabilities(read('bicycle helmet sizes')));
    expect(unknown).toBeLessThan(known);
  });
});
