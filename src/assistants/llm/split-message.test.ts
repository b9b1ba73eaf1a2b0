import { describe, expect, it } from 'vitest';
import { dropUnfinishedSentence, splitMessage } from './split-message.ts';

describe('splitMessage', () => {
  it('keeps a short answer as one message', () => {
    expect(splitMessage('  Hello there.\n\nHow can I help?  ', 100)).toEqual(['Hello there.\n\nHow can I help?']);
  });

  it('gives nothing for a blank answer', () => {
    expect(splitMessage(' \n ', 100)).toEqual([]);
  });

  it('splits at paragraph breaks and packs paragraphs that fit together', () => {
    const a = 'A'.repeat(30);
    const b = 'B'.repeat(30);
    const c = 'C'.repeat(30);
    expect(splitMessage(`${a}\n\n${b}\n \n${c}`, 70)).toEqual([`${a}\n\n${b}`, c]);
  });

  it('splits a paragraph that is too long between sentences', () => {
    const text = 'The first sentence is here. The second one follows it. And a third closes the paragraph.';
    const messages = splitMessage(text, 60);
    expect(messages).toEqual([
      'The first sentence is here. The second one follows it.',
      'And a third closes the paragraph.',
    ]);
  });

  it('keeps the line breaks of a paragraph too long, splitting it between lines', () => {
    const steps = Array.from({ length: 6 }, (_, i) => `- Step ${i + 1}: do the thing number ${i + 1}.`);
    const messages = splitMessage(['To get access:', ...steps].join('\n'), 120);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.join('\n').split('\n')).toEqual(['To get access:', ...steps]);
  });

  it('splits a sentence that is too long between words, and a word that is too long inside it', () => {
    expect(splitMessage('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(splitMessage('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('never cuts an emoji in half', () => {
    const messages = splitMessage('😀😀😀', 3);
    expect(messages).toEqual(['😀', '😀', '😀']);
  });

  it('never gives a message longer than the limit', () => {
    const text = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} says something useful.`).join(' ');
    const messages = splitMessage(`${text}\n\n${text}`, 200);
    expect(messages.length).toBeGreaterThan(8);
    for (const message of messages) expect(message.length).toBeLessThanOrEqual(200);
    expect(messages.join(' ').replace(/\s+/g, ' ')).toBe(`${text} ${text}`);
  });
});

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
