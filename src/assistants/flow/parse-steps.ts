import type { FlowStep } from './flow-types.ts';
import { parseCondition } from './parse-condition.ts';
import { type SchemaStepKind, STEP_KEYS, STEP_SCHEMAS } from './step-schemas.ts';
import type { YamlPath } from './yaml-lines.ts';
import { describeZodIssues, suggestKey } from './zod-issues.ts';

/** Where parsing reports problems and records the action ids that steps point at. */
export interface StepParseContext {
  report(path: YamlPath, message: string): void;
  /** Records that `path` names action `target` (a goto, a choice, a button) for the cross-checks. */
  reference(target: string, path: YamlPath, what: string): void;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a list of steps; steps that cannot be parsed are reported and left out. */
export function parseSteps(value: unknown, path: YamlPath, ctx: StepParseContext): FlowStep[] {
  if (!Array.isArray(value)) {
    ctx.report(path, '"steps" should be a list of steps');
    return [];
  }
  const steps: FlowStep[] = [];
  let unreachableReported = false;
  value.forEach((item, index) => {
    const previous = steps.at(-1);
    if (!unreachableReported && (previous?.kind === 'goto' || previous?.kind === 'end')) {
      ctx.report([...path, index], `steps after "${previous.kind}" never run`);
      unreachableReported = true;
    }
    const step = parseStep(item, [...path, index], ctx);
    if (step) steps.push(step);
  });
  return steps;
}

function parseStep(item: unknown, path: YamlPath, ctx: StepParseContext): FlowStep | undefined {
  if (item === 'end') return { kind: 'end' };
  if (!isRecord(item)) {
    ctx.report(path, 'a step should be a mapping such as `say: "Hello"`');
    return undefined;
  }
  const keys = Object.keys(item);
  if ('if' in item) return parseIf(item, path, ctx);
  const kinds = keys.filter((k) => STEP_KEYS.includes(k));
  if (kinds.length !== 1 || keys.length !== 1) {
    const unknown = keys.filter((k) => !STEP_KEYS.includes(k));
    if (unknown.length > 0) {
      const k = unknown[0]!;
      ctx.report([...path, k], `unknown step "${k}"${suggestKey(k, STEP_KEYS)}`);
    } else {
      ctx.report(path, `one step per list item, found ${kinds.map((k) => `"${k}"`).join(' and ')}`);
    }
    return undefined;
  }
  const kind = kinds[0] as SchemaStepKind;
  const result = STEP_SCHEMAS[kind].safeParse(item[kind], { reportInput: true });
  // `carousel: [card, …]` is read as `{cards: […]}`: its problems are found on lines with no `cards` key.
  const at = path.length + 1;
  const listed = kind === 'carousel' && Array.isArray(item[kind]);
  const located = (where: YamlPath) =>
    listed && where[at] === 'cards' ? [...where.slice(0, at), ...where.slice(at + 1)] : where;
  if (!result.success) {
    for (const issue of describeZodIssues(result.error.issues, [...path, kind], `step "${kind}"`, knownKeys(kind))) {
      ctx.report(located(issue.path), issue.message);
    }
    return undefined;
  }
  recordReferences(result.data, [...path, kind], {
    ...ctx,
    reference: (target, where, what) => ctx.reference(target, located(where), what),
  });
  return result.data;
}

function knownKeys(kind: SchemaStepKind): string[] {
  const keys: Partial<Record<SchemaStepKind, string[]>> = {
    ask: ['text', 'variable', 'pattern', 'retry', 'choices', 'max_retries', 'on_fail'],
    options: ['text', 'choices', 'variable', 'retry', 'label', 'value'],
    card: ['title', 'subtitle', 'image_url', 'buttons', 'label', 'value', 'url'],
    carousel: ['cards', 'title', 'subtitle', 'image_url', 'buttons', 'label', 'value', 'url'],
    pause: ['ms', 'typing'],
    connect_to_agent: ['message', 'reason'],
  };
  return keys[kind] ?? ['url', 'title', 'description'];
}

function recordReferences(step: FlowStep, path: YamlPath, ctx: StepParseContext): void {
  if (step.kind === 'goto') ctx.reference(step.action, path, 'goto');
  if (step.kind === 'ask' && step.on_fail !== undefined) ctx.reference(step.on_fail, [...path, 'on_fail'], 'on_fail');
  if (step.kind === 'options' && step.variable === undefined) {
    step.choices.forEach((c, i) => {
      ctx.reference(c.value, [...path, 'choices', i, 'value'], 'choice');
    });
  }
  const cards = step.kind === 'card' ? [step.card] : step.kind === 'carousel' ? step.cards : [];
  const cardsPath = step.kind === 'carousel' ? [...path, 'cards'] : path;
  cards.forEach((card, c) => {
    card.buttons?.forEach((b, i) => {
      const base = step.kind === 'carousel' ? [...cardsPath, c] : cardsPath;
      if ('value' in b) ctx.reference(b.value, [...base, 'buttons', i, 'value'], 'button');
    });
  });
}

function parseIf(item: Record<string, unknown>, path: YamlPath, ctx: StepParseContext): FlowStep | undefined {
  for (const key of Object.keys(item)) {
    if (!['if', 'then', 'else', 'goto'].includes(key)) {
      ctx.report([...path, key], `step "if" has unknown key "${key}"${suggestKey(key, ['then', 'else', 'goto'])}`);
    }
  }
  const hasThen = 'then' in item;
  const hasGoto = 'goto' in item;
  if (hasThen === hasGoto) {
    ctx.report([...path, 'if'], 'step "if" needs either "then" (steps) or "goto" (an action id)');
    return undefined;
  }
  const condition = parseCondition(item.if, [...path, 'if'], ctx);
  let then: FlowStep[] = [];
  if (hasGoto) {
    if (typeof item.goto !== 'string' || item.goto === '') {
      ctx.report([...path, 'goto'], 'step "if": "goto" should be an action id');
    } else {
      ctx.reference(item.goto, [...path, 'goto'], 'goto');
      then = [{ kind: 'goto', action: item.goto }];
    }
  } else {
    then = parseSteps(item.then, [...path, 'then'], ctx);
  }
  const otherwise = 'else' in item ? parseSteps(item.else, [...path, 'else'], ctx) : [];
  return condition ? { kind: 'if', condition, then_steps: then, else_steps: otherwise } : undefined;
}
