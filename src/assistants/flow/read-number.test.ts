import { describe, expect, it } from 'vitest';
import { readNumber } from './read-number.ts';

describe('readNumber', () => {
  it('reads numbers as each language writes them', () => {
    const cases: [string, string, number][] = [
      ['en', '1,000', 1000],
      ['en', '-12,500.25', -12_500.25],
      ['en', '0,500', 0.5],
      ['en', '1.000', 1],
      ['es-MX', '1,000', 1000],
      ['de', '1.000,5', 1000.5],
      ['de', '1,000', 1],
      ['de-CH', "1'000.5", 1000.5],
      ['fr', '1\u202f000\u202f000', 1_000_000],
      ['fr', '1.5', 1.5],
      ['xx', '1,000', 1000],
      ['fr_FR', '2,5', 2.5],
    ];
    for (const [language, text, value] of cases)
      expect([language, text, readNumber(text, language)]).toEqual([language, text, value]);
  });

  it('reads nothing from what is not a number', () => {
    for (const text of ['', '  ', 'about 1000', '12 34', '1,000,00', '1,2,3', 'Infinity'])
      expect([text, readNumber(text, 'en')]).toEqual([text, undefined]);
  });
});
