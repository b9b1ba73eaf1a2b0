/**
 * Text folding for the policy checks: lower case, accents and ligatures folded, letters stretched for emphasis
 * squeezed ("humaaan" → "human"), everything but letters and digits turned into single spaces.
 * Kept here rather than shared with the intent matcher so policy rules do not shift when matching is tuned.
 */

import { memoized } from '../../assistants/understanding/memoized.ts';

// Letters that NFD does not decompose into a base letter and a combining mark.
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ı: 'i' };

/**
 * "Parler à QUELQU'UN !!" → "parler a quelqu un". Remembered: the policy checks fold the same text several times per
 * message, and the person's recent messages again on every turn.
 */
export const fold = memoized(foldOnce);

function foldOnce(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[œæßøłđı]/g, (ch) => LIGATURES[ch] ?? ch)
    .replace(/(\p{L})\1{2,}/gu, '$1')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The folded words of a text, in order. */
export function words(text: string): string[] {
  const folded = fold(text);
  return folded === '' ? [] : folded.split(' ');
}

/** True when `phrase` (already folded) occurs in `folded` as whole words. */
export function hasPhrase(folded: string, phrase: string): boolean {
  return phrase !== '' && ` ${folded} `.includes(` ${phrase} `);
}

// Edit distance and memos are plain mechanics, not rules: one implementation serves matching and policy.
export { editDistance } from '../../assistants/understanding/word-similarity.ts';
export { memoized };
