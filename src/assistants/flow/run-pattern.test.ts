import { describe, expect, it } from 'vitest';
import { PATTERN_TEXT_LIMIT, PatternTimeoutError, runPattern } from './run-pattern.ts';

/** Patterns flow authors write: order numbers, e-mails, postcodes, phone numbers, dates, amounts, yes and no. */
const ORDINARY = [
  '\\b(\\d{6})\\b',
  '^#?(\\d{6})$',
  '(?:order|commande)\\s*#?\\s*(\\d{6})',
  '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}',
  '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
  '^[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}$',
  '^(\\d{5}(-\\d{4})?)$',
  '\\b(\\d{5})\\b',
  '^(?:\\+33|0)[1-9](?:[\\s.-]?\\d{2}){4}$',
  '^\\+?[\\d\\s().-]{7,20}$',
  '\\b(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{2,4})\\b',
  '(\\d+(?:[.,]\\d{1,2})?)\\s*(€|eur|euros?)?',
  '^(yes|yeah|yep|y)\\b',
  'yes|yeah|yep',
  "^[a-zà-ÿ' -]{2,40}$",
];
/** The longest texts a pattern runs on, made of what these patterns are slowest on. */
const HARD_TEXTS = ['a', '1', ' ', 'a.', 'a@', '1 ', 'a1', '#'].map((unit) =>
  unit.repeat(PATTERN_TEXT_LIMIT / unit.length),
);

describe('runPattern', () => {
  it('matches as RegExp.exec does, ignoring case', () => {
    expect(runPattern('\\b(\\d{6})\\b', "it's #204518, thanks")?.[1]).toBe('204518');
    expect(runPattern('^(yes|yeah|yep)\\b', 'Yeah sure')?.[0]).toBe('Yeah');
    expect(runPattern('^(yes|yeah|yep)\\b', 'nope')).toBeNull();
  });

  it('runs the patterns authors write on the longest, hardest texts well within the time limit', () => {
    for (const pattern of ORDINARY)
      for (const text of HARD_TEXTS) expect(() => runPattern(pattern, text)).not.toThrow();
  });

  it('stops a pattern that backtracks catastrophically and says which one', () => {
    expect(() => runPattern('(a|a)*$', `${'a'.repeat(27)}!`)).toThrow(new PatternTimeoutError('(a|a)*$', 28));
    // The next run is not affected.
    expect(runPattern('(a|a)*$', 'aaa')?.[0]).toBe('aaa');
  });
});
