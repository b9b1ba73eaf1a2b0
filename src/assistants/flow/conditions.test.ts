import { describe, expect, it } from 'vitest';
import { evaluateCondition } from './conditions.ts';
import type { Condition } from './flow-types.ts';
import { PatternTimeoutError } from './run-pattern.ts';
import type { TemplateScope } from './template.ts';

const scope: TemplateScope = {
  profile: { first_name: 'Ana' },
  vars: { plan: 'Premium', total: '42,5', empty: '' },
  input: 'Oui, volontiers',
};
const test = (variable: string, t: Extract<Condition, { kind: 'test' }>['test']) =>
  evaluateCondition({ kind: 'test', variable, test: t }, scope);

describe('evaluateCondition', () => {
  it('compares values ignoring case, accents and surrounding spaces', () => {
    expect(test('plan', { op: 'equals', value: ' premium ' })).toBe(true);
    expect(test('plan', { op: 'not_equals', value: 'basic' })).toBe(true);
    expect(test('profile.first_name', { op: 'equals', value: 'ÁNA' })).toBe(true);
  });

  it('tests the last input with a case-insensitive regular expression', () => {
    expect(test('input', { op: 'matches', pattern: '^(oui|yes)\\b' })).toBe(true);
    expect(test('input', { op: 'matches', pattern: '^non' })).toBe(false);
  });

  it('stops a pattern that backtracks catastrophically instead of holding the thread every conversation shares', () => {
    const input = (text: string) => ({ ...scope, input: text });
    const condition: Condition = { kind: 'test', variable: 'input', test: { op: 'matches', pattern: '(a+)+$' } };
    expect(() => evaluateCondition(condition, input(`${'a'.repeat(25)}!`))).toThrow(PatternTimeoutError);
    expect(evaluateCondition(condition, input('aaa'))).toBe(true);
  });

  it('does not run a pattern on a text longer than 2,000 characters', () => {
    const condition: Condition = { kind: 'test', variable: 'input', test: { op: 'matches', pattern: '^yes' } };
    expect(evaluateCondition(condition, { ...scope, input: `yes ${'x'.repeat(1996)}` })).toBe(true);
    expect(evaluateCondition(condition, { ...scope, input: `yes ${'x'.repeat(1997)}` })).toBe(false);
  });

  it('treats missing and empty variables as not existing', () => {
    expect(test('plan', { op: 'exists', value: true })).toBe(true);
    expect(test('empty', { op: 'exists', value: false })).toBe(true);
    expect(test('nothing', { op: 'exists', value: false })).toBe(true);
  });

  it('checks membership and compares numbers, accepting a decimal comma', () => {
    expect(test('plan', { op: 'in', values: ['basic', 'premium'] })).toBe(true);
    expect(test('total', { op: 'greater_than', value: 40 })).toBe(true);
    expect(test('total', { op: 'less_than', value: 40 })).toBe(false);
    expect(test('plan', { op: 'greater_than', value: 1 })).toBe(false);
  });

  it('reads thousands in English: a comma before groups of three digits, spaces; any other comma is a decimal one', () => {
    const compare = (total: string, op: 'greater_than' | 'less_than', value: number, language?: string) =>
      evaluateCondition(
        { kind: 'test', variable: 'total', test: { op, value } },
        { ...scope, vars: { total }, ...(language && { language }) },
      );
    expect(compare('1,000', 'greater_than', 999)).toBe(true);
    expect(compare('12,500', 'greater_than', 12_499)).toBe(true);
    expect(compare('12,500', 'less_than', 12_501)).toBe(true);
    expect(compare('1,000,000.5', 'greater_than', 1_000_000)).toBe(true);
    expect(compare('1 000', 'greater_than', 999, 'en')).toBe(true);
    expect(compare('1,5', 'greater_than', 1.4, 'en')).toBe(true);
    expect(compare('1,5', 'less_than', 1.6, 'en')).toBe(true);
    expect(compare('1,000,00', 'greater_than', 0, 'en')).toBe(false);
  });

  it('reads numbers as French writes them: a decimal comma, thousands after spaces or periods', () => {
    const compare = (total: string, op: 'greater_than' | 'less_than', value: number) =>
      evaluateCondition(
        { kind: 'test', variable: 'total', test: { op, value } },
        { ...scope, vars: { total }, language: 'fr' },
      );
    expect(compare('1,5', 'greater_than', 1.4)).toBe(true);
    expect(compare('1,5', 'less_than', 1.6)).toBe(true);
    expect(compare('1,000', 'less_than', 1.001)).toBe(true);
    for (const thousand of ['1 000', '1\u00a0000', '1\u202f000', '1.000'])
      expect([thousand, compare(thousand, 'greater_than', 999)]).toEqual([thousand, true]);
    expect(compare('12 500,75', 'greater_than', 12_500.7)).toBe(true);
  });

  it('combines conditions with all, any and not', () => {
    const premium: Condition = { kind: 'test', variable: 'plan', test: { op: 'equals', value: 'premium' } };
    const basic: Condition = { kind: 'test', variable: 'plan', test: { op: 'equals', value: 'basic' } };
    expect(evaluateCondition({ kind: 'all', conditions: [premium, basic] }, scope)).toBe(false);
    expect(evaluateCondition({ kind: 'any', conditions: [premium, basic] }, scope)).toBe(true);
    expect(evaluateCondition({ kind: 'not', condition: basic }, scope)).toBe(true);
  });
});
