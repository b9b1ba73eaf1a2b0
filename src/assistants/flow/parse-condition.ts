import type { Condition, ConditionTest, Scalar } from './flow-types.ts';
import { regexProblem } from './step-schemas.ts';
import type { YamlPath } from './yaml-lines.ts';
import { suggestKey } from './zod-issues.ts';

interface Reporter {
  report(path: YamlPath, message: string): void;
}

const OPERATORS = ['equals', 'not_equals', 'matches', 'exists', 'in', 'greater_than', 'less_than'] as const;
const EXAMPLE = 'a condition such as {variable: plan, equals: premium}';

const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * Parses the value of `if:`: `{variable, <operator>: value}` with one operator of
 * equals, not_equals, matches, exists, in, greater_than, less_than; or `{all: [...]}`, `{any: [...]}`, `{not: ...}`.
 */
export function parseCondition(value: unknown, path: YamlPath, ctx: Reporter): Condition | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.report(path, `"if" needs ${EXAMPLE}`);
    return undefined;
  }
  const item = value as Record<string, unknown>;
  const keys = Object.keys(item);
  if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any')) {
    const kind = keys[0];
    const list = item[kind];
    if (!Array.isArray(list) || list.length === 0) {
      ctx.report([...path, kind], `"${kind}" needs a list of conditions`);
      return undefined;
    }
    const conditions = list.map((c, i) => parseCondition(c, [...path, kind, i], ctx));
    return conditions.every((c) => c !== undefined) ? { kind, conditions } : undefined;
  }
  if (keys.length === 1 && keys[0] === 'not') {
    const condition = parseCondition(item.not, [...path, 'not'], ctx);
    return condition ? { kind: 'not', condition } : undefined;
  }
  return parseTest(item, path, ctx);
}

function parseTest(item: Record<string, unknown>, path: YamlPath, ctx: Reporter): Condition | undefined {
  const known = ['variable', ...OPERATORS];
  const unknown = Object.keys(item).filter((k) => !known.includes(k));
  for (const k of unknown) {
    // Beside a test, a combinator would be neither evaluated nor an error of its own.
    const message = ['all', 'any', 'not'].includes(k)
      ? `"${k}" cannot sit beside a variable test: combine them with "all: [...]"`
      : `condition has unknown key "${k}"${suggestKey(k, [...known, 'all', 'any', 'not'])}`;
    ctx.report([...path, k], message);
  }
  if (typeof item.variable !== 'string' || item.variable === '') {
    ctx.report(path, `condition needs "variable" (${EXAMPLE})`);
    return undefined;
  }
  const ops = OPERATORS.filter((op) => op in item);
  if (ops.length !== 1) {
    ctx.report(path, `condition needs exactly one of ${OPERATORS.join(', ')}`);
    return undefined;
  }
  const op = ops[0]!;
  const test = parseOperator(op, item[op], [...path, op], ctx);
  return test && unknown.length === 0 ? { kind: 'test', variable: item.variable, test } : undefined;
}

function parseOperator(op: (typeof OPERATORS)[number], value: unknown, path: YamlPath, ctx: Reporter) {
  const fail = (message: string): undefined => {
    ctx.report(path, `condition "${op}" ${message}`);
    return undefined;
  };
  switch (op) {
    case 'equals':
    case 'not_equals':
      return isScalar(value) ? ({ op, value } satisfies ConditionTest) : fail('needs a single value');
    case 'matches': {
      if (typeof value !== 'string') return fail('needs a regular expression');
      const problem = regexProblem(value);
      return problem ? fail(`does not compile (${problem})`) : ({ op, pattern: value } satisfies ConditionTest);
    }
    case 'exists':
      return typeof value === 'boolean' ? ({ op, value } satisfies ConditionTest) : fail('should be true or false');
    case 'in':
      return Array.isArray(value) && value.every(isScalar)
        ? ({ op, values: value } satisfies ConditionTest)
        : fail('needs a list of values');
    case 'greater_than':
    case 'less_than':
      return typeof value === 'number' ? ({ op, value } satisfies ConditionTest) : fail('needs a number');
  }
}
