import type { Card, Choice, GenericResponse } from '../responses.ts';
import { evaluateCondition } from './conditions.ts';
import type { Waiting } from './flow-state.ts';
import type { AskStep, OptionsStep } from './flow-types.ts';
import type { Instruction, LeafStep } from './program.ts';
import { renderTemplate, type TemplateScope } from './template.ts';

/** Instructions one turn may execute, so a `goto` loop in a file cannot hang a worker. */
const INSTRUCTION_BUDGET = 500;

export interface RunResult {
  responses: GenericResponse[];
  /** Set when the run stopped at a question. */
  waiting?: Waiting;
  /** Choices of the last options step without a variable. */
  offered?: Choice[];
  /** The run went through its whole budget without waiting or ending: a `goto` loop in the file. */
  exhausted?: true;
}

/** A question's choices as the person sees them: labels are templates, and typing the label shown picks one. */
export function shownChoices(step: AskStep | OptionsStep, scope: TemplateScope): Choice[] | undefined {
  return step.choices?.map((c) => ({ label: renderTemplate(c.label, scope), value: c.value }));
}

/** Renders a question (`ask` or `options`) with its choices: an option response, or plain text. */
export function promptFor(step: AskStep | OptionsStep, text: string, scope: TemplateScope): GenericResponse {
  const title = renderTemplate(text, scope);
  const choices = shownChoices(step, scope);
  return choices ? { type: 'option', title, options: choices } : { type: 'text', text: title };
}

function renderCard(card: Card, scope: TemplateScope): Card {
  const t = (s: string | undefined) => (s === undefined ? undefined : renderTemplate(s, scope) || undefined);
  return {
    title: renderTemplate(card.title, scope),
    ...(card.subtitle !== undefined && { subtitle: t(card.subtitle) }),
    ...(card.image_url !== undefined && { image_url: t(card.image_url) }),
    // A button whose label or address renders as nothing is left out, as an option's is: never raw braces.
    ...(card.buttons && {
      buttons: card.buttons.flatMap((b): NonNullable<Card['buttons']> => {
        const label = t(b.label);
        if (label === undefined) return [];
        if (!('url' in b)) return [{ label, value: b.value }];
        const url = t(b.url);
        return url === undefined ? [] : [{ label, url }];
      }),
    }),
  };
}

/** Renders a step that only produces output (or sets variables); returns the responses to add. */
function output(step: LeafStep, scope: TemplateScope): GenericResponse[] {
  const t = (s: string) => renderTemplate(s, scope);
  switch (step.kind) {
    case 'say': {
      const text = t(step.text);
      return text.trim() === '' ? [] : [{ type: 'text', text }];
    }
    case 'media':
      return [
        {
          type: step.type,
          url: t(step.url),
          ...(step.title !== undefined && { title: t(step.title) }),
          ...(step.description !== undefined && { description: t(step.description) }),
        },
      ];
    case 'card':
      return [{ type: 'card', ...renderCard(step.card, scope) }];
    case 'carousel':
      return [{ type: 'carousel', cards: step.cards.map((c) => renderCard(c, scope)) }];
    case 'pause':
      return [{ type: 'pause', ms: step.ms, typing: step.typing }];
    case 'connect_to_agent':
      return [
        {
          type: 'connect_to_agent',
          ...(step.message !== undefined && { message: t(step.message) }),
          ...(step.reason !== undefined && { reason: t(step.reason) }),
        },
      ];
    case 'set':
      for (const [name, value] of Object.entries(step.values)) {
        if (value === null) delete scope.vars[name];
        else scope.vars[name] = typeof value === 'string' ? t(value) : value;
      }
      return [];
    default:
      return [];
  }
}

/**
 * Runs a program from `pc` until it ends, reaches `end`, or stops at a question. `goto` moves to the
 * start of another program. `scope.vars` is updated in place by `set`.
 */
export function runProgram(
  programs: ReadonlyMap<string, readonly Instruction[]>,
  start: { action: string; pc: number },
  scope: TemplateScope,
): RunResult {
  const responses: GenericResponse[] = [];
  let offered: Choice[] | undefined;
  let { action, pc } = start;
  for (let budget = INSTRUCTION_BUDGET; ; budget--) {
    if (budget === 0) return { responses: [], exhausted: true };
    const instruction = programs.get(action)?.[pc];
    if (!instruction) break;
    if (instruction.op === 'jump') {
      pc = instruction.to;
      continue;
    }
    if (instruction.op === 'branch') {
      pc = evaluateCondition(instruction.condition, scope) ? pc + 1 : instruction.otherwise;
      continue;
    }
    const step = instruction.step;
    if (step.kind === 'end') break;
    if (step.kind === 'goto') {
      action = step.action;
      pc = 0;
      continue;
    }
    if (step.kind === 'ask' || (step.kind === 'options' && step.variable !== undefined)) {
      responses.push(promptFor(step, step.text, scope));
      return { responses, waiting: { action, pc, variable: step.variable, retries: 0 } };
    }
    if (step.kind === 'options') {
      responses.push(promptFor(step, step.text, scope));
      offered = shownChoices(step, scope);
    } else {
      responses.push(...output(step, scope));
    }
    pc++;
  }
  return offered ? { responses, offered } : { responses };
}
