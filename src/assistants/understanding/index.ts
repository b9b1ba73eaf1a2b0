export { foldText, tokenize } from './fold-text.ts';
export {
  createIntentMatcher,
  type IntentDefinition,
  type IntentMatcher,
  type IntentMatcherOptions,
  type IntentScore,
} from './intent-matcher.ts';
export { editDistance, lightStem, wordSimilarity } from './word-similarity.ts';
