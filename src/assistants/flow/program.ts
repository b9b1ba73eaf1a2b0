import type { Condition, FlowStep } from './flow-types.ts';

/** A step that does not nest others. */
export type LeafStep = Exclude<FlowStep, { kind: 'if' }>;

/**
 * Steps flattened into instructions so a position in a flow is one number (`pc`), even inside
 * `then`/`else` branches; that number is what the session context stores while a question waits.
 */
export type Instruction =
  | { op: 'step'; step: LeafStep }
  | { op: 'branch'; condition: Condition; otherwise: number }
  | { op: 'jump'; to: number };

/** Compiles nested steps: `if` becomes a branch to its `else` block and a jump over it. */
export function compileSteps(steps: readonly FlowStep[], out: Instruction[] = []): Instruction[] {
  for (const step of steps) {
    if (step.kind !== 'if') {
      out.push({ op: 'step', step });
      continue;
    }
    const branch: { op: 'branch'; condition: Condition; otherwise: number } = {
      op: 'branch',
      condition: step.condition,
      otherwise: -1,
    };
    out.push(branch);
    compileSteps(step.then_steps, out);
    if (step.else_steps.length === 0) {
      branch.otherwise = out.length;
      continue;
    }
    const jump: { op: 'jump'; to: number } = { op: 'jump', to: -1 };
    out.push(jump);
    branch.otherwise = out.length;
    compileSteps(step.else_steps, out);
    jump.to = out.length;
  }
  return out;
}
