/**
 * Light stemmers: a few suffixes stripped per language, so inflected forms of a word meet
 * ("ordered", "ordering", "orders" → "order"; "livrée", "livrer", "livrez" → "livr"). Deliberately light: a
 * wrong merge costs more than a missed one, and typos and shared beginnings (word-similarity.ts) cover the rest.
 * Words are folded (lower case, no accents).
 */

/** Reduces a folded word to its stem. */
export type Stemmer = (word: string) => string;

/** Drops a plural `s`/`x` and a final `e`, for languages without rules of their own. */
export function lightStem(word: string): string {
  let stem = word;
  const last = stem[stem.length - 1];
  if (stem.length > 3 && (last === 's' || last === 'x') && !stem.endsWith('ss')) stem = stem.slice(0, -1);
  if (stem.length > 4 && stem.endsWith('e')) stem = stem.slice(0, -1);
  return stem;
}

/** A suffix, what replaces it, and how many letters must stay before it. */
type Rule = readonly [suffix: string, by: string, min: number];

/** Applies the first rule (in order) whose suffix ends the word. */
function strip(word: string, rules: readonly Rule[]): string {
  for (const [suffix, by, min] of rules) {
    if (word.endsWith(suffix) && word.length - suffix.length >= min) return word.slice(0, -suffix.length) + by;
  }
  return word;
}

const EN_RULES: readonly Rule[] = [
  ['ies', 'y', 3],
  ['ied', 'y', 3],
  ['ings', '', 3],
  ['ing', '', 3],
  ['ed', '', 3],
  ['ly', '', 4], // "quickly", but not "reply"
  ['es', '', 3],
  ['s', '', 3],
  ['e', '', 3],
];

function englishStem(word: string): string {
  if (word.length <= 3 || word.endsWith('ss') || word.endsWith('us')) return word;
  let stem = strip(word, EN_RULES);
  // "shipped", "shipping" → "shipp" → "ship"; but "address", "call" keep their double letter.
  if (stem !== word && /([^aeiouls])\1$/.test(stem)) stem = stem.slice(0, -1);
  return stem;
}

// After the plural: verb endings, adverbs, feminine forms ("livrée" folds to "livree"). Not "-ent", "-ant":
// too many nouns end so ("client", "avant").
const FR_RULES: readonly Rule[] = 'issement ement aient erais erait ions iez ais ait ee er ez e'
  .split(' ')
  .map((suffix) => [suffix, '', 3]);

function frenchStem(word: string): string {
  if (word.length <= 3) return word;
  const last = word[word.length - 1];
  const singular = (last === 's' || last === 'x') && !word.endsWith('ss') ? word.slice(0, -1) : word;
  return strip(singular, FR_RULES);
}

const BY_LANGUAGE: Record<string, Stemmer> = { en: englishStem, fr: frenchStem };

/** The stemmer of a language ("en", "fr", "fr-CA" uses "fr"); others get `lightStem`. */
export function stemmerFor(language: string): Stemmer {
  return BY_LANGUAGE[language.slice(0, 2).toLowerCase()] ?? lightStem;
}
