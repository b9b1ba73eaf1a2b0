import type { Choice } from '../responses.ts';
import { foldText } from '../understanding/fold-text.ts';
import { createIntentMatcher } from '../understanding/intent-matcher.ts';
import { runPattern } from './run-pattern.ts';

/** Similarity a typed text needs to count as one of the labels on offer ("order statsu" for "Order status"). */
const LABEL_THRESHOLD = 0.7;

/** A choice a typed text picks, and whether it named it exactly (its label, its value or its position). */
export interface PickedChoice {
  choice: Choice;
  exact: boolean;
}

/**
 * The choice a typed text picks: its label or value (ignoring case and accents), its position
 * ("2" for the second, unless labels are numbers, or `byPosition` is false), or a close match of its label. Undefined
 * when nothing fits well.
 */
export function findChoice(
  text: string,
  choices: readonly Choice[],
  language: string,
  byPosition = true,
): PickedChoice | undefined {
  const folded = foldText(text);
  if (folded === '') return undefined;
  const exact = choices.find((c) => foldText(c.label) === folded || foldText(c.value) === folded);
  if (exact) return { choice: exact, exact: true };
  const numericLabels = choices.some((c) => /^\d+$/.test(foldText(c.label)));
  if (byPosition && /^\d{1,2}$/.test(folded) && !numericLabels) {
    const choice = choices[Number(folded) - 1];
    return choice && { choice, exact: true };
  }
  const matcher = createIntentMatcher(
    choices.map((c, i) => ({ id: String(i), examples: [c.label] })),
    { language },
  );
  const best = matcher.rank(text)[0];
  // Similarity alone: with a few labels and one example each, the learned probabilities say little.
  return best && best.similarity >= LABEL_THRESHOLD
    ? { choice: choices[Number(best.intent)]!, exact: false }
    : undefined;
}

/** The choice a typed text picks (see `findChoice`). */
export function pickChoice(
  text: string,
  choices: readonly Choice[],
  language: string,
  byPosition = true,
): Choice | undefined {
  return findChoice(text, choices, language, byPosition)?.choice;
}

/** What checking an answer needs of a question (an `ask` or `options` step): its choices as the person sees them. */
export interface Question {
  kind: 'ask' | 'options';
  choices?: readonly Choice[] | undefined;
  pattern?: string | undefined;
}

export type AnswerCheck = { accepted: true; value: string } | { accepted: false };

/**
 * Whether an input answers the question a flow waits on, and the value to store:
 * - `options`: a tapped value or a typed label of its choices;
 * - `ask`: a tapped suggestion, a typed suggestion label, or text that fits `pattern` (the first capture
 *   group when the pattern has one, else the matched part); without `pattern` any non-empty text typed.
 * Throws `PatternTimeoutError` when the pattern runs too long (run-pattern.ts).
 */
export function checkAnswer(step: Question, input: { text: string; value?: string }, language: string): AnswerCheck {
  const tapped = input.value !== undefined ? step.choices?.find((c) => c.value === input.value) : undefined;
  if (tapped) return { accepted: true, value: tapped.value };
  // A tap on something the question does not offer (a menu item, an older button) is no answer typed: "Opening hours"
  // is not an order number, nor a name.
  if (input.value !== undefined) return { accepted: false };
  const text = input.text.trim();
  // An `ask` may well be answered with a number ("How many people?" "2"): its suggestions are not picked by position.
  const picked = step.choices ? pickChoice(text, step.choices, language, step.kind === 'options') : undefined;
  if (picked) return { accepted: true, value: picked.value };
  if (step.kind === 'options' || text === '') return { accepted: false };
  if (step.pattern === undefined) return { accepted: true, value: text };
  const match = runPattern(step.pattern, text);
  if (!match) return { accepted: false };
  return { accepted: true, value: match[1] ?? match[0] };
}
