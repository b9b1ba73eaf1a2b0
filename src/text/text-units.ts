/**
 * Text measured and cut the way messages need: lengths in UTF-16 code units (what Messenger's limits count, see
 * `MESSENGER_LIMITS`), cuts only at grapheme boundaries so an emoji, a ZWJ sequence or a letter with its accents is
 * never split.
 */

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/** The length Messenger's limits are checked against. */
export function measure(text: string): number {
  return text.length;
}

/**
 * Node 20's segmenters take time in proportion to the text's length for every segment they give, so a text of
 * 100,000 characters took minutes (and any person may send a long one). They are given windows this long instead.
 */
const WINDOW = 512;
/**
 * How far from a window's end a boundary must be to be trusted: the rules of sentences look ahead. One of them (after
 * "etc." and the like, through digits and punctuation to a lower-case letter) looks ahead without limit: a run of those
 * longer than this may end a sentence where the whole text would not.
 */
const LOOKAHEAD = 64;

/**
 * The segments of a text, found window by window; joined they give the text back. Segments that end near a window's
 * end are found again from their start in the next window. A window holding no trusted boundary (a word or sentence
 * longer than it) is tried again twice as wide, for its first segment only: each segment read costs the window's
 * length, so reading the rest of a wide window would be quadratic again.
 */
function segmentsOf(segmenter: Intl.Segmenter, text: string): string[] {
  const found: string[] = [];
  let start = 0;
  let size = WINDOW;
  while (start < text.length) {
    const last = start + size >= text.length;
    let length = 0;
    for (const { segment } of segmenter.segment(text.slice(start, start + size))) {
      if (!last && length + segment.length > size - LOOKAHEAD) break;
      found.push(segment);
      length += segment.length;
      if (size > WINDOW) break;
    }
    if (length === 0) {
      size *= 2;
      continue;
    }
    start += length;
    size = WINDOW;
  }
  return found;
}

/** The user-perceived characters of a text, in order; joined they give the text back. */
export function graphemes(text: string): string[] {
  return segmentsOf(graphemeSegmenter, text);
}

/** The first of `units` (graphemes, words) joined, as many as fit in `room`. */
export function cutToFit(units: readonly string[], room: number): string {
  let kept = '';
  for (const unit of units) {
    if (measure(kept + unit) > room) break;
    kept += unit;
  }
  return kept;
}

/** Words and the spaces and punctuation between them; joined they give the text back. */
export function words(text: string): string[] {
  return segmentsOf(wordSegmenter, text);
}

/**
 * Sentences, each with its trailing spaces and line break; joined they give the text back. The segmenter ends a
 * sentence after "8.", "Dr." and "J.", so a list marker or a title ("Dr.", "Mrs.", "M.") stays with the sentence after
 * it, and so does a single capital, unless the word before it starts with a lower-case letter and no initial follows:
 * "John F. Kennedy", "Contact J. Smith", "by J. K. Rowling" stay whole, "Choose option A. Then B." is two sentences
 * (and so is "Written by J. Smith.", the price of a simple rule). When a sentence held together by initials is longer
 * than `maxLength` (default: no limit), it is cut once after its initials, only where the rest then fits and what
 * comes before is more than initials; never between two initials, after a list marker or after a title.
 */
export function sentences(text: string, maxLength = Number.POSITIVE_INFINITY): string[] {
  const segments = segmentsOf(sentenceSegmenter, text);
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
// "option A.", "plan B.": a capital after a lower-case word usually ends the sentence.
const INITIAL_AFTER_LOWER_CASE_WORD = /(?:^|[\s(])\p{Ll}\S*\s+\p{Lu}\.\s*$/u;
const ONLY_INITIALS = /^(?:\s*\p{Lu}\.)+\s*$/u;

/** Why a segment stays with the one after it (`next`), if it does. */
function heldBy(segment: string, next: string | undefined): 'marker or title' | 'initial' | undefined {
  if (LIST_MARKER.test(segment) || TITLE_AT_END.test(segment)) return 'marker or title';
  if (!INITIAL_AT_END.test(segment)) return undefined;
  const beforeInitial = next !== undefined && ONLY_AN_INITIAL.test(next);
  return beforeInitial || !INITIAL_AFTER_LOWER_CASE_WORD.test(segment) ? 'initial' : undefined;
}

/**
 * The segments of one sentence joined; when that is too long, cut once after the first run of initials ("A. B.")
 * where the rest fits and the head is more than initials (so "J. K." never goes alone). Otherwise whole: the caller
 * cuts it further.
 */
function joinWithin(parts: readonly string[], maxLength: number): string[] {
  const whole = parts.join('');
  if (measure(whole.trim()) <= maxLength) return [whole];
  let cut = 0;
  for (let i = 0; i < parts.length - 1; i++) {
    cut += (parts[i] as string).length;
    const next = parts[i + 1] ?? '';
    if (heldBy(parts[i] ?? '', next) !== 'initial' || ONLY_AN_INITIAL.test(next)) continue;
    // Cut where the rest fits, found by lengths: building each candidate's head and rest made it quadratic.
    const rest = whole.slice(cut);
    if (measure(rest.trim()) > maxLength) continue;
    const head = whole.slice(0, cut);
    if (!ONLY_INITIALS.test(head)) return [head, rest];
  }
  return [whole];
}

/** Lines, each with its line break and the blank space after it; joined they give the text back. */
export function lines(text: string): string[] {
  // The lookahead first: the lookbehind scanned back through a blank run at each of its characters.
  return text.split(/(?=\S)(?<=\n\s*)/);
}

/** Paragraphs separated by blank lines, each with its trailing separator; joined they give the text back. */
export function paragraphs(text: string): string[] {
  return text.split(/(?=\S)(?<=\n[ \t]*\n\s*)/);
}

/** Spaces collapsed to one and trimmed: a label is one line. */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
