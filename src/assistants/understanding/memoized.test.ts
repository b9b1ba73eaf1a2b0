import { describe, expect, it } from 'vitest';
import { memoized } from './memoized.ts';

describe('memoized', () => {
  it('computes each short input once, long inputs every time, and forgets everything when full', () => {
    const calls: string[] = [];
    const upper = memoized(
      (s: string) => {
        calls.push(s);
        return s.toUpperCase();
      },
      2,
      5,
    );
    expect([upper('ab'), upper('ab'), upper('cd')]).toEqual(['AB', 'AB', 'CD']);
    expect(calls).toEqual(['ab', 'cd']);
    expect([upper('toolong'), upper('toolong')]).toEqual(['TOOLONG', 'TOOLONG']);
    expect(calls).toEqual(['ab', 'cd', 'toolong', 'toolong']);
    upper('ef'); // full: forgets ab and cd
    upper('ab');
    expect(calls.slice(4)).toEqual(['ef', 'ab']);
  });
});
