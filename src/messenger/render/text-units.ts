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
 * Sentences, each with its trailing spaces and line break; joined they give the text back. A list marker ("8.") or
 * a title or initial ("Dr.", "M.", "J.") stays with the sentence after it: the segmenter ends a sentence there.
 */
export function sentences(text: string): string[] {
  const joined: string[] = [];
  let held = '';
  for (const { segment } of sentenceSegmenter.segment(text)) {
    held += segment;
    if (!endsBeforeItsSentence(segment)) {
      joined.push(held);
      held = '';
    }
  }
  if (held !== '') joined.push(held);
  return joined;
}

const LIST_MARKER = /^\s*\d{1,3}[.)]\s*$/u;
// Titles before a name, and single capitals (initials, the French "M."): rarely the last word of a sentence.
const ABBREVIATION_AT_END = /(?:^|[\s(])(?:Dr|Mr|Mrs|Ms|St|Mme|Mlle|\p{Lu})\.\s*$/u;

function endsBeforeItsSentence(segment: string): boolean {
  return LIST_MARKER.test(segment) || ABBREVIATION_AT_END.test(segment);
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
