import { type BuiltinPhrases, builtinPhrases } from './builtin-phrases.ts';
import type { FlowDefinition, FlowStep } from './flow-types.ts';
import { compileSteps, type Instruction } from './program.ts';

/** The action hands over whatever the person said before: it reaches `connect_to_agent` before any question or branch. */
function handsOver(steps: readonly FlowStep[]): boolean {
  for (const step of steps) {
    if (step.kind === 'connect_to_agent') return true;
    const question = step.kind === 'ask' || (step.kind === 'options' && step.variable !== undefined);
    if (question || step.kind === 'if' || step.kind === 'goto' || step.kind === 'end') return false;
  }
  return false;
}

/**
 * The programs the engine adds to a file's actions, under ids no action can have (they start with `_`):
 * `_fallback`, `_sorry` (the built-in apology), `_agent` (hand over), and `_welcome` / `_attachment` when the file has no action with that trigger.
 */
export function builtinPrograms(def: FlowDefinition): {
  programs: Map<string, Instruction[]>;
  phrases: BuiltinPhrases;
  /** The program to run on Get Started. */
  welcome: string;
  /** The program to run when an attachment arrives. */
  attachment: string;
  /** The hand-over the built-in attachment offer shows: the file's own hand-over action, or `_agent`. */
  offeredHandOver: string;
} {
  const phrases = builtinPhrases(def.language);
  const programs = new Map<string, Instruction[]>();
  // Offer the file's own hand-over action when it has one, so its message and reason apply; not an action that only
  // hands over on some branch (cancelling an order when the order is not found).
  const human = def.actions.find((a) => handsOver(a.steps))?.id ?? '_agent';
  programs.set('_fallback', compileSteps(def.fallback ?? [{ kind: 'say', text: phrases.fallback }]));
  // The built-in apology, for when the file's fallback would only ask again the question that gave up.
  programs.set('_sorry', compileSteps([{ kind: 'say', text: phrases.fallback }]));
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
    offeredHandOver: human,
  };
}
