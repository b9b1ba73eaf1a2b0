/**
 * Text measured and cut the way the renderer needs: lengths in UTF-16 code units (see `MESSENGER_LIMITS`),
 * cuts only at grapheme boundaries so an emoji, a ZWJ sequence or a letter with its accents is never split.
 */

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/** The length Messenger's limits are checked against. */
export function measure(text: string): number {
  return text.length;
}

/** The user-perceived characters of a text, in order; joined they give the text back. */
export function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

/** Words and the spaces and punctuation between them; joined they give the text back. */
export function words(text: string): string[] {
  return Array.from(wordSegmenter.segment(text), (s) => s.segment);
}

/**
 * Sentences, each with its trailing spaces and line break; joined they give the text back. The segmenter ends a
 * sentence after "8.", "Dr." and "J.", so a list marker or a title ("Dr.", "Mrs.", "M.") stays with the sentence after
 * it, and an initial with the initial after it or as one alone ("J. K. Rowling"); "Choose option A. Then B." is two
 * sentences. Initials never make a sentence longer than `maxLength` (default: no limit): such a sentence is cut
 * again after its initials, but never after a list marker or a title.
 */
export function sentences(text: string, maxLength = Number.POSITIVE_INFINITY): string[] {
  const segments = Array.from(sentenceSegmenter.segment(text), (s) => s.segment);
  const result: string[] = [];
  let parts: string[] = [];
  for (const [i, segment] of segments.entries()) {
    parts.push(segment);
    if (heldBy(segment, segments[i + 1]) === undefined) {
      result.push(...joinWithin(parts, maxLength));
      parts = [];
    }
  }
  if (parts.length > 0) result.push(...joinWithin(parts, maxLength));
  return result;
}

const LIST_MARKER = /^\s*\d{1,3}[.)]\s*$/u;
// Titles before a name, the French "M." included: rarely the last word of a sentence.
const TITLE_AT_END = /(?:^|[\s(])(?:Dr|Mr|Mrs|Ms|St|M|Mme|Mlle)\.\s*$/u;
const INITIAL_AT_END = /(?:^|[\s(])\p{Lu}\.\s*$/u;
const ONLY_AN_INITIAL = /^\s*\p{Lu}\.\s*$/u;

/** Why a segment stays with the one after it (`next`), if it does. */
function heldBy(segment: string, next: string | undefined): 'marker or title' | 'initial' | undefined {
  if (LIST_MARKER.test(segment) || TITLE_AT_END.test(segment)) return 'marker or title';
  const beforeInitial = next !== undefined && ONLY_AN_INITIAL.test(next);
  if (ONLY_AN_INITIAL.test(segment) || (beforeInitial && INITIAL_AT_END.test(segment))) return 'initial';
  return undefined;
}

/** The segments of one sentence joined, or joined only after list markers and titles when that is too long. */
function joinWithin(parts: readonly string[], maxLength: number): string[] {
  const whole = parts.join('');
  if (measure(whole.trim()) <= maxLength) return [whole];
  const cut: string[] = [];
  let current = '';
  for (const [i, part] of parts.entries()) {
    current += part;
    if (heldBy(part, parts[i + 1]) !== 'marker or title') {
      cut.push(current);
      current = '';
    }
  }
  if (current !== '') cut.push(current);
  return cut;
}

/** Lines, each with its line break and the blank space after it; joined they give the text back. */
export function lines(text: string): string[] {
  return text.split(/(?<=\n\s*)(?=\S)/);
}

/** Paragraphs separated by blank lines, each with its trailing separator; joined they give the text back. */
export function paragraphs(text: string): string[] {
  return text.split(/(?<=\n[ \t]*\n\s*)(?=\S)/);
}

/** Spaces collapsed to one and trimmed: a label is one line. */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
