import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { checkFallbackExamples, checkFlow, type Reference } from './cross-check.ts';
import type { FlowAction, FlowDefinition, FlowStep } from './flow-types.ts';
import { type FlowIssue, FlowValidationError } from './flow-validation-error.ts';
import { checkGotoLoops } from './goto-loops.ts';
import { parseSteps, type StepParseContext } from './parse-steps.ts';
import { createLineLocator, type YamlPath } from './yaml-lines.ts';
import { describeZodIssues } from './zod-issues.ts';

/** Score a text needs to start an action (0..1). Chosen on the sample assistants' training examples, see docs. */
export const DEFAULT_THRESHOLD = 0.5;
/** Score a text needs to leave a pending question for another action. */
export const DEFAULT_DIGRESSION_THRESHOLD = 0.65;

const threshold = z.number().min(0).max(1);
const fileSchema = z.strictObject({
  name: z.string().min(1).optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}([-_][A-Za-z]{2,4})?$/, { error: 'should be a language code such as "en" or "fr"' })
    .optional(),
  session_timeout_minutes: z.number().int().min(1).max(10_080).optional(),
  matching: z.strictObject({ threshold: threshold.optional(), digression_threshold: threshold.optional() }).optional(),
  actions: z.array(z.unknown()).min(1),
  fallback: z
    .strictObject({
      steps: z.array(z.unknown()).min(1).optional(),
      examples: z.array(z.string().trim().min(1)).min(1).optional(),
    })
    .optional(),
});
const FILE_KEYS = ['name', 'language', 'session_timeout_minutes', 'matching', 'actions', 'fallback'];

const actionSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    error: 'should be letters, digits, _ . or - (starting with a letter or digit)',
  }),
  trigger: z.enum(['welcome', 'attachment']).optional(),
  examples: z.array(z.string().trim().min(1)).optional(),
  steps: z.array(z.unknown()),
});
const ACTION_KEYS = ['id', 'trigger', 'examples', 'steps'];

function syntaxIssues(errors: readonly { message: string; linePos?: [{ line: number }, ...unknown[]] }[]) {
  return errors.map((e) => ({
    line: e.linePos?.[0].line ?? 0,
    message: `YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
  }));
}

/**
 * Parses and validates a flow file (design.md §3). Throws `FlowValidationError` listing every problem
 * as `file:line: problem`, including cross-checks (unknown goto/choice targets, duplicate ids, bad regexes) and,
 * on a file with no other problem, loops of `goto` steps that never wait for the person.
 */
export function parseFlow(text: string, fileName: string): FlowDefinition {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length > 0) throw new FlowValidationError(fileName, syntaxIssues(doc.errors));
  const lineOf = createLineLocator(doc, counter);
  const issues: FlowIssue[] = [];
  const references: Reference[] = [];
  const ctx: StepParseContext = {
    report: (path, message) => issues.push({ line: lineOf(path), message }),
    reference: (target, path, what) => references.push({ target, path, what }),
  };

  const file = fileSchema.safeParse(doc.toJS(), { reportInput: true });
  if (!file.success) {
    for (const issue of describeZodIssues(file.error.issues, [], 'the file', FILE_KEYS))
      ctx.report(issue.path, issue.message);
    throw new FlowValidationError(fileName, issues);
  }
  // Each action with its place in the file: those that failed to parse are left out, and the checks below must still
  // point at the right lines.
  const parsed = file.data.actions.flatMap((raw, i) => parseAction(raw, ['actions', i], ctx).map((a) => ({ a, i })));
  const actions = parsed.map((p) => p.a);
  const pathOf = (index: number): YamlPath => ['actions', (parsed[index] as { i: number }).i];
  const { steps: fallbackSteps, examples: fallbackExamples = [] } = file.data.fallback ?? {};
  if (file.data.fallback && !fallbackSteps && !file.data.fallback.examples)
    ctx.report(['fallback'], 'the fallback needs "steps" or "examples"');
  const fallback = fallbackSteps ? parseSteps(fallbackSteps, ['fallback', 'steps'], ctx) : null;
  checkFlow(actions, references, ctx, pathOf);
  checkFallbackExamples(actions, fallbackExamples, ctx);
  // Only on an otherwise valid file: a step that failed to parse (a question, say) is missing from `actions`.
  if (issues.length === 0) checkGotoLoops({ actions, report: ctx.report, pathOf });
  if (issues.length > 0) throw new FlowValidationError(fileName, issues);

  const baseName = fileName
    .split(/[\\/]/)
    .pop()!
    .replace(/\.ya?ml$/i, '');
  const limit = file.data.matching?.threshold ?? DEFAULT_THRESHOLD;
  return {
    name: file.data.name ?? baseName,
    language: file.data.language ?? 'en',
    // Unset, the page's `session_timeout_minutes` applies (which the inbox API can change without a restart).
    ...(file.data.session_timeout_minutes !== undefined && {
      session_timeout_minutes: file.data.session_timeout_minutes,
    }),
    matching: {
      threshold: limit,
      digression_threshold: file.data.matching?.digression_threshold ?? Math.max(limit, DEFAULT_DIGRESSION_THRESHOLD),
    },
    actions,
    fallback,
    fallback_examples: fallbackExamples,
  };
}

function parseAction(raw: unknown, path: YamlPath, ctx: StepParseContext): FlowAction[] {
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String(raw.id) : undefined;
  const label = id ? `action "${id}"` : `action #${Number(path[1]) + 1}`;
  const result = actionSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    for (const issue of describeZodIssues(result.error.issues, path, label, ACTION_KEYS))
      ctx.report(issue.path, issue.message);
    if (typeof raw === 'object' && raw !== null && 'steps' in raw) parseSteps(raw.steps, [...path, 'steps'], ctx);
    return [];
  }
  const { trigger, examples = [] } = result.data;
  if (result.data.steps.length === 0) ctx.report([...path, 'steps'], `${label} needs at least one step`);
  const steps: FlowStep[] = parseSteps(result.data.steps, [...path, 'steps'], ctx);
  return [{ id: result.data.id, ...(trigger ? { trigger } : {}), examples, steps }];
}
