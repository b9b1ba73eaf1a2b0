/**
 * The learned half of the matcher: a logistic regression over the sparse features of intent-features.ts, trained on
 * the examples when an assistant loads. Where the similarity scores ask "which example does the text resemble", it
 * learns which words and word pieces tell one intent from the others.
 */
import { createFeatureEncoder } from './feature-encoder.ts';
import { trainLogisticRegression } from './logistic-regression.ts';
import type { TextAnalyzer } from './text-analysis.ts';

/** A text as the model reads it: its content words (after the lexicon) and all its words. */
export interface ModelText {
  contentWords: readonly string[];
  words: readonly string[];
}

export interface IntentModel {
  /** The probability of each intent (in training order) for a text, summing to 1. */
  probabilities(text: ModelText): Float64Array;
}

/**
 * Enough passes for the examples to be learnt, few enough to load in tens of milliseconds: with 1,200 examples, 8 score
 * as 10 did (docs/flow-assistant.md, "Measured accuracy") for a fifth less training time.
 */
const EPOCHS = 8;

/** Trains the model on examples labelled with their intent's index (`0..intents-1`). */
export function trainIntentModel(
  examples: readonly (ModelText & { intent: number })[],
  intents: number,
  stem: TextAnalyzer['stem'],
): IntentModel {
  // Features are scaled to unit length before those the examples never had are dropped: unknown words dilute a text.
  const encoder = createFeatureEncoder(stem);
  const inputs = examples.map((e) => ({ input: encoder.encode(e.contentWords, e.words, true), label: e.intent }));
  const model = trainLogisticRegression(inputs, encoder.size, intents, { epochs: EPOCHS });
  return { probabilities: (text) => model.probabilities(encoder.encode(text.contentWords, text.words, false)) };
}
