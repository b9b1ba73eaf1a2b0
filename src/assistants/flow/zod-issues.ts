import type { z } from 'zod';
import { editDistance } from '../understanding/word-similarity.ts';
import type { YamlPath } from './yaml-lines.ts';

/** A problem found while validating part of a flow file, not yet placed on a line. */
export interface PathIssue {
  path: YamlPath;
  message: string;
}

/** How each type zod expects is named to people editing YAML. */
export const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** The known key closest to a misspelt one, when it is close enough to be a likely typo. */
export function suggestKey(key: string, known: readonly string[]): string {
  const close = known.find((k) => editDistance(key, k, 2) <= 2);
  return close ? ` (did you mean "${close}"?)` : '';
}

/**
 * Turns zod issues into messages for people editing YAML: `step "ask" needs "variable"`,
 * `step "pause": "ms" should be a number`, `action "human" has unknown key "exemples" (did you mean "examples"?)`.
 * `label` names the part being validated; `knownKeys` feed the "did you mean" hints.
 */
export function describeZodIssues(
  issues: readonly z.core.$ZodIssue[],
  base: YamlPath,
  label: string,
  knownKeys: readonly string[] = [],
): PathIssue[] {
  return issues.flatMap((issue): PathIssue[] => {
    const path = [...base, ...(issue.path as (string | number)[])];
    const key = pathText(issue.path);
    const subject = key === '' ? label : `${label}: "${key}"`;
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((k) => ({
          path: [...path, k],
          message: `${key === '' ? label : `${label} "${key}"`} has unknown key "${k}"${suggestKey(k, knownKeys)}`,
        }));
      case 'invalid_type':
        if (issue.input === undefined && key !== '') return [{ path, message: `${label} needs "${key}"` }];
        return [{ path, message: `${subject} should be ${TYPE_NAMES[issue.expected] ?? issue.expected}` }];
      case 'too_small':
        if (issue.origin === 'array') return [{ path, message: `${subject} needs at least ${issue.minimum} item(s)` }];
        if (issue.origin === 'string') return [{ path, message: `${subject} must not be empty` }];
        return [{ path, message: `${subject} must be at least ${issue.minimum}` }];
      case 'too_big':
        if (issue.origin === 'array') return [{ path, message: `${subject} allows at most ${issue.maximum} item(s)` }];
        return [{ path, message: `${subject} must be at most ${issue.maximum}` }];
      case 'invalid_value':
        return [
          { path, message: `${subject} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` },
        ];
      default:
        return [{ path, message: `${subject} ${issue.message}` }];
    }
  });
}
