import { z } from 'zod';
import type { Context } from '../assistant.ts';
import type { Choice } from '../responses.ts';
import type { Scalar } from './flow-types.ts';

/** A question the flow waits on: the `ask` or `options` step at `pc` of a program (an action, or `_fallback`). */
export interface Waiting {
  action: string;
  pc: number;
  /**
   * The question's variable: a file changed since (a question inserted before it) may hold another question at `pc`,
   * whose variable must not take this answer. Absent from contexts stored before it was kept.
   */
  variable?: string;
  /** Wrong answers so far. */
  retries: number;
}

/**
 * Everything the flow remembers between turns; it lives in the session context as plain JSON,
 * e.g. `{"vars": {"order_number": "204518"}, "waiting": {"action": "returns", "pc": 2, "retries": 0}}`.
 */
export interface FlowState {
  vars: Record<string, Scalar>;
  waiting?: Waiting;
  /** Choices shown last turn by an options step without a variable, so typing a label picks it. */
  offered?: Choice[];
}

const stateSchema = z.object({
  vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).catch({}),
  waiting: z
    .object({
      action: z.string(),
      pc: z.number().int().min(0),
      variable: z.string().optional(),
      retries: z.number().int().min(0),
    })
    .optional()
    .catch(undefined),
  offered: z
    .array(z.object({ label: z.string(), value: z.string() }))
    .optional()
    .catch(undefined),
});

/** Reads the state from a context, forgiving anything malformed (an old or hand-edited context starts afresh). */
export function readState(context: Context): FlowState {
  const result = stateSchema.safeParse(context);
  if (!result.success) return { vars: {} };
  const { vars, waiting, offered } = result.data;
  return { vars, ...(waiting ? { waiting } : {}), ...(offered ? { offered } : {}) };
}

/** The context to hand back to the gateway. */
export function writeState(state: FlowState): Context {
  const context: Context = { vars: { ...state.vars } };
  if (state.waiting) context.waiting = { ...state.waiting };
  if (state.offered && state.offered.length > 0) context.offered = state.offered.map((c) => ({ ...c }));
  return context;
}
