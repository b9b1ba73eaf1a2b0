import type { Assistant, AssistantInput, AssistantReply, AssistantTurn } from '../assistant.ts';
import type { GenericResponse } from '../responses.ts';
import { createIntentMatcher, type IntentScore } from '../understanding/intent-matcher.ts';
import { builtinPrograms } from './builtin-programs.ts';
import { checkAnswer, findChoice } from './check-answer.ts';
import { type FlowState, readState, type Waiting, writeState } from './flow-state.ts';
import type { AskStep, FlowDefinition, OptionsStep } from './flow-types.ts';
import { compileSteps, type Instruction } from './program.ts';
import { PatternTimeoutError } from './run-pattern.ts';
import { promptFor, type RunResult, runProgram, shownChoices } from './run-program.ts';
import type { TemplateScope } from './template.ts';

/** What the matcher makes of a text. */
export interface FlowUnderstanding {
  /** The action the text starts, or null when no score reaches the threshold (the fallback runs). */
  action: string | null;
  score: number;
  /** Every action with examples, best first. */
  ranking: IntentScore[];
}

/** A flow assistant: answers turns from a validated flow definition. Pure: no clock, no randomness, no I/O. */
export interface FlowAssistant extends Assistant {
  readonly kind: 'flow';
  readonly name: string;
  /** The gateway resets the context after this much inactivity (the file's `session_timeout_minutes`, if set). */
  readonly sessionTimeoutMinutes?: number;
  readonly definition: FlowDefinition;
  /** Which action a text would start; for tests, benchmarks and "why did it answer that?" tools. */
  understand(text: string): FlowUnderstanding;
}

/** What a turn does: run a program (`gaveUp`: because this question gave up), or send a retry and keep waiting. */
type Plan =
  | { run: { action: string; pc: number }; gaveUp?: Waiting }
  | { responses: GenericResponse[]; waiting: Waiting };

function inputText(input: AssistantInput): string {
  if (input.kind === 'text') return input.text;
  if (input.kind === 'choice') return input.text ?? input.value;
  if (input.kind === 'attachment') return input.text ?? '';
  return '';
}

/** The state a turn starts from: none on a new session or Get Started. */
function previousState(turn: AssistantTurn): FlowState {
  return turn.new_session || turn.input.kind === 'welcome' ? { vars: {} } : readState(turn.context);
}

/** What templates and conditions read during a turn, with its own copy of the variables. */
function scopeOf(turn: AssistantTurn, previous: FlowState, language: string): TemplateScope {
  const first = turn.input.kind === 'attachment' ? turn.input.attachments[0] : undefined;
  return {
    language,
    profile: turn.contact.profile,
    vars: { ...previous.vars },
    // Spaces around a text are no part of it: `set: {order_number: "{{input}}"}` stores the number alone.
    input: inputText(turn.input).trim(),
    ...(first && { attachment: { type: first.type, ...(first.url !== undefined && { url: first.url }) } }),
  };
}

/**
 * The reply of a turn's run: its responses, and the state the next turn starts from. `fallback` tells the gateway the
 * person was not understood, so misses in a row can escalate.
 */
function replyOf(
  result: RunResult,
  vars: FlowState['vars'],
  o: { failure?: AssistantReply['failure']; fallback: boolean },
): AssistantReply & { fallback?: boolean } {
  return {
    ...(o.failure && { failure: o.failure }),
    responses: result.responses,
    context: writeState({
      vars,
      ...(result.waiting && { waiting: result.waiting }),
      ...(result.offered && { offered: result.offered }),
    }),
    ...(o.fallback && { fallback: true }),
  };
}

/** Builds the assistant: compiles every action and trains the intent matcher on the examples. */
export function createFlowAssistant(def: FlowDefinition): FlowAssistant {
  const programs = new Map<string, readonly Instruction[]>();
  for (const action of def.actions) programs.set(action.id, compileSteps(action.steps));
  const builtins = builtinPrograms(def);
  for (const [id, program] of builtins.programs) programs.set(id, program);
  const matcher = createIntentMatcher(
    def.actions.filter((a) => a.examples.length > 0).map((a) => ({ id: a.id, examples: a.examples })),
    { language: def.language, offTopic: def.fallback_examples },
  );
  const { threshold, digression_threshold } = def.matching;

  function understand(text: string): FlowUnderstanding {
    const ranking = matcher.rank(text);
    const best = ranking[0];
    const score = best?.score ?? 0;
    return { action: best && score >= threshold ? best.intent : null, score, ranking };
  }

  /**
   * What a payload, a link's `ref` or a tap may start: the file's actions, and the hand-over the engine's own attachment
   * offer shows (`_agent` when the file has no hand-over of its own). Not the engine's other programs: a link naming
   * `_fallback` would run it on any page.
   */
  const startable = new Set([...def.actions.map((a) => a.id), builtins.offeredHandOver]);

  /** The question step a waiting state points at, if the definition still has it there for the same variable. */
  function questionAt(waiting: Waiting): AskStep | OptionsStep | undefined {
    const instruction = programs.get(waiting.action)?.[waiting.pc];
    if (instruction?.op !== 'step') return undefined;
    const step = instruction.step;
    const question = step.kind === 'ask' || (step.kind === 'options' && step.variable !== undefined);
    if (!question || (waiting.variable !== undefined && step.variable !== waiting.variable)) return undefined;
    return step;
  }

  function answer(waiting: Waiting, step: AskStep | OptionsStep, input: AssistantInput, scope: TemplateScope): Plan {
    const value = input.kind === 'choice' ? input.value : undefined;
    // A tapped action always wins (a menu item, an older button), unless the question offers it as an answer: its
    // label must not be taken for a typed answer.
    if (value !== undefined && startable.has(value) && !step.choices?.some((c) => c.value === value))
      return { run: { action: value, pc: 0 } };
    // Typed answers are checked against the labels as shown (they are templates).
    const shown = { ...step, choices: shownChoices(step, scope) };
    const check = checkAnswer(shown, { text: scope.input, ...(value !== undefined && { value }) }, def.language);
    if (check.accepted) {
      scope.vars[step.variable!] = check.value;
      return { run: { action: waiting.action, pc: waiting.pc + 1 } };
    }
    // A typed text leaves the question only when it clearly asks for something else.
    const best = scope.input.trim() === '' ? undefined : matcher.rank(scope.input)[0];
    if (best && best.score >= digression_threshold && best.intent !== waiting.action) {
      return { run: { action: best.intent, pc: 0 } };
    }
    const retries = waiting.retries + 1;
    const maxRetries = step.kind === 'ask' ? step.max_retries : 3;
    if (retries > maxRetries) {
      return {
        run: { action: step.kind === 'ask' && step.on_fail ? step.on_fail : '_fallback', pc: 0 },
        gaveUp: waiting,
      };
    }
    const text = step.retry ?? (step.kind === 'ask' ? step.text : builtins.phrases.pickOption);
    return { responses: [promptFor(step, text, scope)], waiting: { ...waiting, retries } };
  }

  function plan(input: AssistantInput, state: FlowState, scope: TemplateScope): Plan {
    if (input.kind === 'welcome') {
      const named = [input.value, input.referral].find((v) => v !== undefined && startable.has(v));
      return { run: { action: named ?? builtins.welcome, pc: 0 } };
    }
    if (input.kind === 'attachment') return { run: { action: builtins.attachment, pc: 0 } };
    const step = state.waiting ? questionAt(state.waiting) : undefined;
    if (state.waiting && step) return answer(state.waiting, step, input, scope);
    if (input.kind === 'choice' && startable.has(input.value)) return { run: { action: input.value, pc: 0 } };
    const understood = understand(scope.input).action;
    const offered = state.offered ? findChoice(scope.input, state.offered, def.language) : undefined;
    // A text that only resembles a label ("cancel my order" for "Order status") gives way to another action the
    // matcher starts; a label typed as shown, or a position, does not.
    const loose = offered && !offered.exact && understood !== null && understood !== offered.choice.value;
    if (offered && !loose && startable.has(offered.choice.value))
      return { run: { action: offered.choice.value, pc: 0 } };
    return { run: { action: understood ?? '_fallback', pc: 0 } };
  }

  function answerTurn(turn: AssistantTurn): AssistantReply {
    const previous = previousState(turn);
    const scope = scopeOf(turn, previous, def.language);
    const next = plan(turn.input, previous, scope);
    const state: FlowState = { vars: scope.vars };
    if ('responses' in next) {
      return { responses: next.responses, context: writeState({ ...state, waiting: next.waiting }) };
    }
    let result = runProgram(programs, next.run, scope);
    let failure: AssistantReply['failure'];
    if (result.exhausted) {
      // What a loop built up is not sent (it could be hundreds of messages and pauses): the fallback answers, and
      // the conversation is flagged for someone to fix the file.
      failure = { reason: `flow_loop: "${next.run.action}" runs in a loop of goto steps` };
      const fallback =
        next.run.action === '_fallback' ? result : runProgram(programs, { action: '_fallback', pc: 0 }, scope);
      result = fallback.exhausted ? { responses: [] } : fallback;
    }
    // A question that gives up to a fallback asking it again (the fallback holds it, or leads back to it) would retry
    // forever: the built-in apology answers instead, and the question is dropped.
    const [gaveUp, again] = [next.gaveUp, result.waiting];
    if (
      gaveUp &&
      again &&
      next.run.action === '_fallback' &&
      again.action === gaveUp.action &&
      again.pc === gaveUp.pc
    ) {
      result = runProgram(programs, { action: '_sorry', pc: 0 }, scope);
    }
    return replyOf(result, scope.vars, { failure, fallback: next.run.action === '_fallback' });
  }

  /**
   * A turn stopped by a pattern that ran too long (run-pattern.ts): what it built up is not sent, the fallback answers
   * from the context the turn started with (the built-in apology, if the fallback runs into the pattern too), and the
   * conversation is flagged for someone to fix the file.
   */
  function afterSlowPattern(turn: AssistantTurn, error: PatternTimeoutError): AssistantReply {
    const previous = previousState(turn);
    let scope = scopeOf(turn, previous, def.language);
    let result: ReturnType<typeof runProgram>;
    try {
      result = runProgram(programs, { action: '_fallback', pc: 0 }, scope);
    } catch (again) {
      if (!(again instanceof PatternTimeoutError)) throw again;
      scope = scopeOf(turn, previous, def.language);
      result = runProgram(programs, { action: '_sorry', pc: 0 }, scope);
    }
    if (result.exhausted) result = { responses: [] };
    return replyOf(result, scope.vars, { failure: { reason: `slow_pattern: ${error.message}` }, fallback: true });
  }

  async function reply(turn: AssistantTurn): Promise<AssistantReply> {
    try {
      return answerTurn(turn);
    } catch (error) {
      if (error instanceof PatternTimeoutError) return afterSlowPattern(turn, error);
      throw error;
    }
  }

  return {
    kind: 'flow',
    name: def.name,
    ...(def.session_timeout_minutes !== undefined && { sessionTimeoutMinutes: def.session_timeout_minutes }),
    definition: def,
    understand,
    reply,
  };
}
