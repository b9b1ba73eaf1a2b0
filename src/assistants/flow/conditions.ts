import type { Condition, ConditionTest } from './flow-types.ts';
import { readNumber } from './read-number.ts';
import { runPattern } from './run-pattern.ts';
import { lookup, type TemplateScope } from './template.ts';

/** Compares values the way people expect of answers: trimmed, ignoring case and accents. */
function loose(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .trim()
    .toLowerCase();
}

function numeric(value: unknown, language: string): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? readNumber(value, language) : undefined;
}

function test(value: unknown, t: ConditionTest, language: string): boolean {
  switch (t.op) {
    case 'equals':
      return loose(value) === loose(t.value);
    case 'not_equals':
      return loose(value) !== loose(t.value);
    case 'matches':
      return runPattern(t.pattern, value === undefined || value === null ? '' : String(value)) !== null;
    case 'exists':
      return (loose(value) !== '') === t.value;
    case 'in':
      return t.values.some((v) => loose(v) === loose(value));
    case 'greater_than':
    case 'less_than': {
      const n = numeric(value, language);
      if (n === undefined) return false;
      return t.op === 'greater_than' ? n > t.value : n < t.value;
    }
  }
}

/**
 * Evaluates an `if` condition against variables, the profile and the last input. Throws `PatternTimeoutError` when a
 * `matches` pattern runs too long (run-pattern.ts).
 */
export function evaluateCondition(condition: Condition, scope: TemplateScope): boolean {
  switch (condition.kind) {
    case 'all':
      return condition.conditions.every((c) => evaluateCondition(c, scope));
    case 'any':
      return condition.conditions.some((c) => evaluateCondition(c, scope));
    case 'not':
      return !evaluateCondition(condition.condition, scope);
    case 'test':
      return test(lookup(scope, condition.variable), condition.test, scope.language ?? 'en');
  }
}
