import type { FlowAction, FlowStep } from './flow-types.ts';
import type { StepParseContext } from './parse-steps.ts';
import type { YamlPath } from './yaml-lines.ts';

/** The parsed actions, where each one is in the file, and where problems go. */
export interface ParsedActions extends Pick<StepParseContext, 'report'> {
  actions: readonly FlowAction[];
  pathOf(index: number): YamlPath;
}

/** The `goto` an action always reaches: its target and the index of the step in the action's steps. */
interface CertainGoto {
  target: string;
  index: number;
}

/**
 * Whether a step may stop the turn or leave the action before the steps after it run. Mirrors
 * `runProgram` (run-program.ts): `ask` and `options` with a `variable` wait for the person; an `options`
 * without one only offers choices and the run goes on. An `if` counts when either branch might stop or jump.
 * Every kind is listed, so a new kind does not compile until it is decided here.
 */
function mayStopOrLeave(step: FlowStep): boolean {
  switch (step.kind) {
    case 'ask':
    case 'end':
    case 'goto':
      return true;
    case 'options':
      return step.variable !== undefined;
    case 'if':
      return [...step.then_steps, ...step.else_steps].some(mayStopOrLeave);
    case 'say':
    case 'media':
    case 'card':
    case 'carousel':
    case 'pause':
    case 'connect_to_agent':
    case 'set':
      return false;
  }
}

/** The top-level `goto` the steps reach whatever the input, or undefined when they may wait, end or branch away. */
function certainGoto(steps: readonly FlowStep[]): CertainGoto | undefined {
  for (const [index, step] of steps.entries()) {
    if (step.kind === 'goto') return { target: step.action, index };
    if (mayStopOrLeave(step)) return undefined;
  }
  return undefined;
}

/**
 * Reports every loop of unconditional `goto` steps that never waits for the person (run-program.ts would
 * only stop it with its instruction budget). Each loop is reported once, at the goto that leads back to the
 * loop's first action in the file. Gotos inside `if` branches are never followed: they may depend on input.
 * Assumes the steps are complete: call it only on a file where no step failed to parse.
 */
export function checkGotoLoops(file: ParsedActions): void {
  const { actions } = file;
  const indexOf = new Map<string, number>();
  actions.forEach((action, i) => {
    if (!indexOf.has(action.id)) indexOf.set(action.id, i);
  });
  const next = actions.map((action) => certainGoto(action.steps));
  const seen = new Set<number>();
  actions.forEach((_, start) => {
    // Each action has at most one certain goto, so following them from `start` either stops, joins a walk
    // already made, or comes back to an action on this walk.
    const walk: number[] = [];
    let current: number | undefined = start;
    while (current !== undefined && !seen.has(current)) {
      seen.add(current);
      walk.push(current);
      const goto: CertainGoto | undefined = next[current];
      current = goto && indexOf.get(goto.target);
    }
    if (current === undefined || !walk.includes(current)) return;
    reportLoop(file, walk.slice(walk.indexOf(current)), next);
  });
}

/** Reports `loop` (indexes of actions, each one's certain goto leading to the next) from its first action in the file. */
function reportLoop(file: ParsedActions, loop: readonly number[], next: readonly (CertainGoto | undefined)[]): void {
  const first = loop.indexOf(Math.min(...loop));
  const ordered = [...loop.slice(first), ...loop.slice(0, first)];
  const closing = ordered.at(-1)!;
  const goto = next[closing]!;
  const names = [...ordered, ordered[0]!].map((i) => file.actions[i]!.id).join(' → ');
  file.report(
    [...file.pathOf(closing), 'steps', goto.index, 'goto'],
    `goto "${goto.target}" closes a loop (${names}) without waiting for the person: add a question or make the goto conditional`,
  );
}
