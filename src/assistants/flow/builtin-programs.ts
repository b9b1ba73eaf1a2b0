import { type BuiltinPhrases, builtinPhrases } from './builtin-phrases.ts';
import type { FlowDefinition, FlowStep } from './flow-types.ts';
import { compileSteps, type Instruction } from './program.ts';

function hasStep(steps: readonly FlowStep[], kind: FlowStep['kind']): boolean {
  return steps.some(
    (s) => s.kind === kind || (s.kind === 'if' && (hasStep(s.then_steps, kind) || hasStep(s.else_steps, kind))),
  );
}

/**
 * The programs the engine adds to a file's actions, under ids no action can have (they start with `_`):
 * `_fallback`, `_agent` (hand over), and `_welcome` / `_attachment` when the file has no action with that trigger.
 */
export function builtinPrograms(def: FlowDefinition): {
  programs: Map<string, Instruction[]>;
  phrases: BuiltinPhrases;
  /** The program to run on Get Started. */
  welcome: string;
  /** The program to run when an attachment arrives. */
  attachment: string;
} {
  const phrases = builtinPhrases(def.language);
  const programs = new Map<string, Instruction[]>();
  // Offer the file's own hand-over action when it has one, so its message and reason apply.
  const human = def.actions.find((a) => hasStep(a.steps, 'connect_to_agent'))?.id ?? '_agent';
  programs.set('_fallback', compileSteps(def.fallback ?? [{ kind: 'say', text: phrases.fallback }]));
  programs.set('_agent', compileSteps([{ kind: 'connect_to_agent', message: phrases.connecting }]));
  programs.set('_welcome', compileSteps([{ kind: 'say', text: phrases.welcome }]));
  programs.set(
    '_attachment',
    compileSteps([
      { kind: 'say', text: phrases.attachmentThanks },
      { kind: 'options', text: phrases.attachmentOffer, choices: [{ label: phrases.talkToPerson, value: human }] },
    ]),
  );
  return {
    programs,
    phrases,
    welcome: def.actions.find((a) => a.trigger === 'welcome')?.id ?? '_welcome',
    attachment: def.actions.find((a) => a.trigger === 'attachment')?.id ?? '_attachment',
  };
}
