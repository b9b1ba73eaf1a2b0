/**
 * Text normalisation shared by the matcher: lower case, accents folded, punctuation dropped.
 * "Où est ma commande ?" and "ou est ma COMMANDE" fold to the same string.
 */

// Letters that NFD does not decompose into a base letter and a combining mark.
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ı: 'i' };

/** Lower-cases, folds accents and ligatures, and turns everything but letters and digits into single spaces. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[œæßøłđı]/g, (ch) => LIGATURES[ch] ?? ch)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The folded words of a text, in order ("L'adresse du magasin ?" → ["l", "adresse", "du", "magasin"]). */
export function tokenize(text: string): string[] {
  const folded = foldText(text);
  return folded === '' ? [] : folded.split(' ');
}
