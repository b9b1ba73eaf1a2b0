import { describe, expect, it } from 'vitest';
import { graphemes } from '../../text/text-units.ts';
import { shortenLabels, shortenText } from './shorten.ts';

describe('shortenText', () => {
  it.each([
    { name: 'a label of 20 characters', text: 'Talk to a person now', max: 20, expected: 'Talk to a person now' },
    { name: 'a label of 21 characters', text: 'Talk to a person now!', max: 20, expected: 'Talk to a person…' },
    { name: 'surrounding spaces', text: '  Yes  ', max: 20, expected: 'Yes' },
    { name: 'a comma before the cut', text: 'Yes, please, and quickly', max: 20, expected: 'Yes, please, and…' },
    { name: 'one long word', text: 'Supercalifragilisticexpialidocious', max: 20, expected: 'Supercalifragilisti…' },
    {
      name: 'a long word after a short one',
      text: 'A supercalifragilistic',
      max: 20,
      expected: 'A supercalifragilis…',
    },
    { name: 'a long title', text: `${'Blue mug '.repeat(12)}`, max: 80, expected: `${'Blue mug '.repeat(8)}Blue…` },
  ])('shortens $name at a word boundary when it can', ({ text, max, expected }) => {
    const short = shortenText(text, max);
    expect(short).toBe(expected);
    expect(short.length).toBeLessThanOrEqual(max);
  });

  it.each([
    { name: 'emoji', text: `Great choices ${'👍'.repeat(10)}` },
    { name: 'a ZWJ sequence', text: `Families: ${'👨‍👩‍👧‍👦'.repeat(3)}` },
    { name: 'combining accents', text: `Cafe\u0301 cre\u0300me bru\u0302le\u0301e maison` },
  ])('never ends in half of $name', ({ text }) => {
    const short = shortenText(text, 20);
    expect(short.length).toBeLessThanOrEqual(20);
    expect(short.endsWith('…')).toBe(true);
    const kept = short.slice(0, -1);
    const boundaries = graphemes(text).map((_, i, all) => all.slice(0, i + 1).join(''));
    expect(boundaries).toContain(kept);
  });

  it('cuts a grapheme-heavy word between graphemes, not code units', () => {
    const text = `a${'e\u0301'.repeat(30)}`;
    const short = shortenText(text, 20);
    expect(short).toBe(`a${'e\u0301'.repeat(9)}…`);
  });
});

describe('shortenLabels', () => {
  it('keeps labels apart that a word-boundary cut would make identical', () => {
    const labels = ['Order status for March', 'Order status for April'];
    expect(shortenLabels(labels, 20)).toEqual(['Order status for Ma…', 'Order status for Ap…']);
  });

  it('shortens other labels at word boundaries as usual', () => {
    expect(shortenLabels(['Talk to a person now please', 'Yes'], 20)).toEqual(['Talk to a person…', 'Yes']);
  });

  it('tells labels apart by their ends when their starts are the same however they are cut', () => {
    const labels = shortenLabels(['Order for March 2025 pick', 'Order for March 2025 drop', 'Cancel'], 20);
    expect(labels).toEqual(['Order for…2025 pick', 'Order for…2025 drop', 'Cancel']);
    expect(labels.every((label) => label.length <= 20)).toBe(true);
  });
});
