import { describe, expect, it } from 'vitest';
import { graphemes, lines, sentences, words } from './text-units.ts';

describe('sentences', () => {
  it.each([
    ['Call Dr. Smith today. Then rest.', ['Call Dr. Smith today. ', 'Then rest.']],
    ['Ask Mr. Brown. Or Mrs. Green at St. Paul.', ['Ask Mr. Brown. ', 'Or Mrs. Green at St. Paul.']],
    ['M. Dupont est là. Bien.', ['M. Dupont est là. ', 'Bien.']],
    ['By J. K. Rowling. Read it.', ['By J. K. Rowling. ', 'Read it.']],
    ['Do this. 2. Then that.', ['Do this. ', '2. Then that.']],
    ['7. Step seven\n8. Step eight', ['7. Step seven\n', '8. Step eight']],
  ])('keeps the abbreviations and list markers of %j with their sentence', (text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });

  it.each([
    ['Ask John F. Kennedy about it.', ['Ask John F. Kennedy about it.']],
    ['Contact J. Smith. Or M. Dupont.', ['Contact J. Smith. ', 'Or M. Dupont.']],
    ['It was written by J. K. Rowling.', ['It was written by J. K. Rowling.']],
  ])(
    'keeps a single capital after a capitalised word, or before an initial, with what follows in %j',
    (text, expected) => {
      expect(sentences(text)).toEqual(expected);
    },
  );

  it.each([
    ['Choose option A. Then go.', ['Choose option A. ', 'Then go.']],
    ['Try plan B. It works.', ['Try plan B. ', 'It works.']],
  ])('cuts after a single capital that follows a lower-case word in %j', (text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });

  it('cuts once after initials, where the rest fits, when joining would pass the length', () => {
    expect(sentences('Plan A. B. Then go.')).toEqual(['Plan A. B. Then go.']);
    expect(sentences('Plan A. B. Then go.', 10)).toEqual(['Plan A. B. ', 'Then go.']);
    expect(sentences('Ask John F. Kennedy now.', 14)).toEqual(['Ask John F. ', 'Kennedy now.']);
  });

  it('does not cut after initials when the rest would still be too long, or the initials would go alone', () => {
    expect(sentences('Ask John F. Kennedy now.', 5)).toEqual(['Ask John F. Kennedy now.']);
    expect(sentences('J. K. Rowling wrote it.', 12)).toEqual(['J. K. Rowling wrote it.']);
  });

  it('never cuts after a list marker or a title, even when joining passes the length', () => {
    expect(sentences('Call Dr. Smith today. 2. Rest.', 10)).toEqual(['Call Dr. Smith today. ', '2. Rest.']);
  });

  it('still cuts after an ordinary word and a full stop', () => {
    expect(sentences('It is late. We close at 8. See you.')).toEqual(['It is late. ', 'We close at 8. ', 'See you.']);
  });

  it('gives the text back when joined, a lone marker at the end included', () => {
    const text = 'One. Two.\n3.';
    expect(sentences(text).join('')).toBe(text);
  });
});

describe('lines', () => {
  it('cuts after each line break, keeping blank space with the line before', () => {
    expect(lines('a\nb\n \n  c\n')).toEqual(['a\n', 'b\n \n  ', 'c\n']);
  });
});

describe('graphemes, words and sentences of a long text', () => {
  // Longer than many of the windows the segmenters are given, with boundaries falling anywhere in them.
  const pieces = [
    'Hello Dr. Smith, how are you? ',
    'Je suis allé à l’école. ',
    '🇫🇷🇩🇪🇬🇧 flags! ',
    '👩‍👩‍👧 family. ',
    'e\u0301te\u0301 ',
    '日本語の文章です。これは二番目。',
    'J. K. Rowling wrote it. ',
    '1. First item\n\n',
    '...   etc. and more. ',
    'a'.repeat(700),
    ' ',
    `${'b'.repeat(1500)}. `,
  ];
  const text = Array.from({ length: 60 }, (_, i) => pieces[(i * 7) % pieces.length]).join('');
  const whole = (granularity: 'grapheme' | 'word' | 'sentence') =>
    Array.from(new Intl.Segmenter(undefined, { granularity }).segment(text), (s) => s.segment);

  it('are those of the text segmented whole', () => {
    expect(text.length).toBeGreaterThan(10_000);
    expect(graphemes(text)).toEqual(whole('grapheme'));
    expect(words(text)).toEqual(whole('word'));
    expect(sentences(text).join('')).toBe(text);
  });

  it('keep a word or a grapheme run longer than a window whole', () => {
    const long = 'x'.repeat(5_000);
    expect(words(`${long} end`)).toEqual([long, ' ', 'end']);
    const after = `${long}${' a'.repeat(2_000)}`;
    expect(words(after)).toEqual(
      Array.from(new Intl.Segmenter(undefined, { granularity: 'word' }).segment(after), (s) => s.segment),
    );
    expect(graphemes('🇫🇷'.repeat(2_000))).toHaveLength(2_000);
  });
});
