import { describe, expect, it } from 'vitest';
import { lines, sentences } from './text-units.ts';

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
    ['Choose option A. Then B. Then C.', ['Choose option A. ', 'Then B. ', 'Then C.']],
    ['Contact J. Smith. Or M. Dupont.', ['Contact J. ', 'Smith. ', 'Or M. Dupont.']],
  ])('cuts after a single capital that is not before another initial in %j', (text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });

  it('cuts after initials, but not after a list marker or a title, when joining would pass the length', () => {
    expect(sentences('Plan A. B. Then go.')).toEqual(['Plan A. B. Then go.']);
    expect(sentences('Plan A. B. Then go.', 10)).toEqual(['Plan A. ', 'B. ', 'Then go.']);
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
