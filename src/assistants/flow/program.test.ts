import { describe, expect, it } from 'vitest';
import type { Condition } from './flow-types.ts';
import { compileSteps } from './program.ts';

const cond: Condition = { kind: 'test', variable: 'x', test: { op: 'exists', value: true } };

describe('compileSteps', () => {
  it('flattens if/then/else into a branch and a jump over the else block', () => {
    const program = compileSteps([
      { kind: 'say', text: 'a' },
      {
        kind: 'if',
        condition: cond,
        then_steps: [{ kind: 'say', text: 'then' }],
        else_steps: [{ kind: 'say', text: 'else' }],
      },
      { kind: 'say', text: 'after' },
    ]);
    expect(program).toEqual([
      { op: 'step', step: { kind: 'say', text: 'a' } },
      { op: 'branch', condition: cond, otherwise: 4 },
      { op: 'step', step: { kind: 'say', text: 'then' } },
      { op: 'jump', to: 5 },
      { op: 'step', step: { kind: 'say', text: 'else' } },
      { op: 'step', step: { kind: 'say', text: 'after' } },
    ]);
  });

  it('needs no jump when there is no else block', () => {
    const program = compileSteps([{ kind: 'if', condition: cond, then_steps: [{ kind: 'end' }], else_steps: [] }]);
    expect(program).toEqual([
      { op: 'branch', condition: cond, otherwise: 2 },
      { op: 'step', step: { kind: 'end' } },
    ]);
  });
});
