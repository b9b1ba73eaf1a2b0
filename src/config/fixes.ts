import type { z } from 'zod';
import { TYPE_NAMES } from '../assistants/flow/zod-issues.ts';

/** What to write instead, where YAML read a value as another type than meant. */
function typeFix({ expected, input }: { expected: string; input?: unknown }): string {
  if (expected === 'string' && typeof input === 'number') return '; put it in quotes: YAML read it as a number';
  if (expected === 'string' && typeof input === 'boolean') return '; put it in quotes: YAML read it as true or false';
  if ((expected === 'number' || expected === 'int') && typeof input === 'string')
    return '; write digits, without quotes';
  return '';
}

const plural = (n: number | bigint, one: string, many: string) => `${n} ${n === 1 || n === 1n ? one : many}`;

/**
 * Zod's own messages as the configuration states them, each with its fix: "Too big: expected number to be <=65535"
 * becomes "is above 65535; give 65535 or less". Given per parse (`safeParse(input, { error: withFix })`), so a message
 * a schema sets itself stands. Never quotes the value, which may be a secret. Undefined leaves zod's message.
 */
export const withFix: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      // A key left out: `describeIssues` says it is required.
      return issue.input === undefined
        ? undefined
        : `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}${typeFix(issue)}`;
    case 'too_small': {
      const { minimum: min, origin, inclusive } = issue;
      if (origin === 'string') {
        if (min === 1) return 'is empty; give a value';
        return `is shorter than ${plural(min, 'character', 'characters')}; give at least ${min}`;
      }
      if (origin === 'array' || origin === 'set') return `needs at least ${plural(min, 'entry', 'entries')}; add more`;
      if (origin === 'number' || origin === 'int' || origin === 'bigint') {
        return inclusive === false
          ? `must be above ${min}; give a larger number`
          : `is below ${min}; give ${min} or more`;
      }
      return undefined;
    }
    case 'too_big': {
      const { maximum: max, origin, inclusive } = issue;
      if (origin === 'string') return `is longer than ${plural(max, 'character', 'characters')}; shorten it`;
      if (origin === 'array' || origin === 'set')
        return `has more than ${plural(max, 'entry', 'entries')}; remove some`;
      if (origin === 'number' || origin === 'int' || origin === 'bigint') {
        return inclusive === false
          ? `must be below ${max}; give a smaller number`
          : `is above ${max}; give ${max} or less`;
      }
      return undefined;
    }
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
};
