import { foldText } from '../understanding/fold-text.ts';
import type { FlowAction } from './flow-types.ts';
import type { StepParseContext } from './parse-steps.ts';
import type { YamlPath } from './yaml-lines.ts';
import { suggestKey } from './zod-issues.ts';

/** A place in the file that names an action: a goto, a choice value, a card button, an `on_fail`. */
export interface Reference {
  target: string;
  path: YamlPath;
  what: string;
}

const HINTS: Record<string, string> = {
  choice: ' (or give the options step a "variable" to store the value instead)',
};

/** An example made only of emoji or punctuation: the matcher reads letters and digits, so nothing ever matches it. */
const wordless = (what: string, example: string) =>
  `${what} "${example}" has no letters or digits: emoji and punctuation are ignored, so nothing matches it`;

/**
 * Checks what no single part can: duplicate action ids, two actions with the same trigger, the same example
 * in two actions, and references to actions that do not exist.
 */
export function checkFlow(
  actions: readonly FlowAction[],
  references: readonly Reference[],
  ctx: Pick<StepParseContext, 'report'>,
  pathOf: (index: number) => YamlPath,
): void {
  const firstIndex = new Map<string, number>();
  const triggers = new Map<string, string>();
  const examples = new Map<string, string>();
  actions.forEach((action, i) => {
    const path = pathOf(i);
    const earlier = firstIndex.get(action.id);
    if (earlier !== undefined) ctx.report([...path, 'id'], `two actions have the id "${action.id}"`);
    else firstIndex.set(action.id, i);
    if (action.trigger) {
      const other = triggers.get(action.trigger);
      if (other !== undefined) {
        ctx.report([...path, 'trigger'], `actions "${other}" and "${action.id}" both have trigger "${action.trigger}"`);
      } else {
        triggers.set(action.trigger, action.id);
      }
    }
    action.examples.forEach((example, e) => {
      const key = foldText(example);
      if (key === '') {
        ctx.report([...path, 'examples', e], wordless('example', example));
        return;
      }
      const owner = examples.get(key);
      if (owner !== undefined && owner !== action.id) {
        ctx.report([...path, 'examples', e], `example "${example}" is also an example of action "${owner}"`);
      }
      examples.set(key, owner ?? action.id);
    });
  });
  const ids = [...firstIndex.keys()];
  for (const ref of references) {
    if (firstIndex.has(ref.target)) continue;
    const what = ref.what === 'on_fail' ? '"on_fail"' : ref.what;
    ctx.report(
      ref.path,
      `${what} "${ref.target}" names no action${suggestKey(ref.target, ids)}${HINTS[ref.what] ?? ''}`,
    );
  }
}

/** Reports a fallback example that is also an action's example (after folding case, accents and punctuation). */
export function checkFallbackExamples(
  actions: readonly FlowAction[],
  fallbackExamples: readonly string[],
  ctx: Pick<StepParseContext, 'report'>,
): void {
  const owners = new Map<string, string>();
  for (const action of actions) {
    for (const example of action.examples) {
      const key = foldText(example);
      if (!owners.has(key)) owners.set(key, action.id);
    }
  }
  fallbackExamples.forEach((example, e) => {
    const key = foldText(example);
    if (key === '') {
      ctx.report(['fallback', 'examples', e], wordless('fallback example', example));
      return;
    }
    const owner = owners.get(key);
    if (owner !== undefined)
      ctx.report(['fallback', 'examples', e], `fallback example "${example}" is also an example of action "${owner}"`);
  });
}
