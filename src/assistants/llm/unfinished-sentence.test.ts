import { describe, expect, it } from 'vitest';
import { dropUnfinishedSentence } from './unfinished-sentence.ts';

describe('dropUnfinishedSentence', () => {
  it('drops a last sentence cut in the middle', () => {
    expect(dropUnfinishedSentence('Your order shipped. It will arrive on')).toBe('Your order shipped.');
  });

  it('keeps a text that ends a sentence', () => {
    expect(dropUnfinishedSentence('Your order shipped!')).toBe('Your order shipped!');
  });

  it('keeps a lone unfinished sentence, marked with an ellipsis', () => {
    expect(dropUnfinishedSentence('Your order will arrive on')).toBe('Your order will arrive on…');
  });
});
