import { describe, expect, it } from 'vitest';
import { checkAnswer, pickChoice } from './check-answer.ts';
import type { AskStep } from './flow-types.ts';
import { PatternTimeoutError } from './run-pattern.ts';

const sizes = [
  { label: 'Small', value: 's' },
  { label: 'Extra large', value: 'xl' },
];

describe('pickChoice', () => {
  it('finds a choice by label or value, ignoring case and accents', () => {
    expect(pickChoice('EXTRA LARGE', sizes, 'en')?.value).toBe('xl');
    expect(pickChoice('xl', sizes, 'en')?.value).toBe('xl');
    expect(pickChoice('Très bien', [{ label: 'tres bien', value: 'ok' }], 'fr')?.value).toBe('ok');
  });

  it('finds a choice by its position, unless the labels are numbers', () => {
    expect(pickChoice('2', sizes, 'en')?.value).toBe('xl');
    expect(
      pickChoice(
        '2',
        [
          { label: '1', value: 'one' },
          { label: '5', value: 'five' },
        ],
        'en',
      ),
    ).toBeUndefined();
    expect(pickChoice('3', sizes, 'en')).toBeUndefined();
  });

  it('tolerates a typo but not an unrelated text', () => {
    expect(pickChoice('extra lage', sizes, 'en')?.value).toBe('xl');
    expect(pickChoice('what colours are there', sizes, 'en')).toBeUndefined();
  });
});

describe('checkAnswer', () => {
  const ask: AskStep = { kind: 'ask', text: '?', variable: 'n', pattern: '(\\d{6})', max_retries: 3 };

  it('stores the first capture group, or the matched part without groups', () => {
    expect(checkAnswer(ask, { text: 'order 204518 please' }, 'en')).toEqual({ accepted: true, value: '204518' });
    expect(checkAnswer({ ...ask, pattern: '[a-z]+@[a-z.]+' }, { text: 'mail: zoe@shop.fr!' }, 'en')).toEqual({
      accepted: true,
      value: 'zoe@shop.fr',
    });
  });

  it('rejects empty answers and answers that do not fit the pattern', () => {
    expect(checkAnswer(ask, { text: '12345' }, 'en')).toEqual({ accepted: false });
    expect(checkAnswer({ ...ask, pattern: undefined }, { text: '   ' }, 'en')).toEqual({ accepted: false });
  });

  it('stops a pattern that backtracks catastrophically, and never runs one on an answer over 2,000 characters', () => {
    const words: AskStep = { ...ask, pattern: '^(\\w+\\s?)*$' };
    expect(() => checkAnswer(words, { text: `${'a'.repeat(27)}!` }, 'en')).toThrow(PatternTimeoutError);
    expect(checkAnswer(ask, { text: `${'x'.repeat(1994)}204518` }, 'en')).toEqual({ accepted: true, value: '204518' });
    expect(checkAnswer(ask, { text: `${'x'.repeat(1995)}204518` }, 'en')).toEqual({ accepted: false });
  });

  it('takes a number typed to an ask as the answer, not as the position of a suggestion', () => {
    const count: AskStep = { ...ask, pattern: '^(\\d+)$', choices: [{ label: 'Not sure yet', value: 'unsure' }] };
    expect(checkAnswer(count, { text: '1' }, 'en')).toEqual({ accepted: true, value: '1' });
    expect(checkAnswer(count, { text: 'not sure yet' }, 'en')).toEqual({ accepted: true, value: 'unsure' });
  });

  it('accepts a tapped suggestion without checking the pattern', () => {
    const withChoices: AskStep = { ...ask, choices: [{ label: 'I do not know', value: 'unknown' }] };
    expect(checkAnswer(withChoices, { text: 'I do not know', value: 'unknown' }, 'en')).toEqual({
      accepted: true,
      value: 'unknown',
    });
  });
});
