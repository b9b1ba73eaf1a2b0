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

/** Sentences, each with its trailing spaces and line break; joined they give the text back. */
export function sentences(text: string): string[] {
  return Array.from(sentenceSegmenter.segment(text), (s) => s.segment);
}

/** Paragraphs separated by blank lines, each with its trailing separator; joined they give the text back. */
export function paragraphs(text: string): string[] {
  return text.split(/(?<=\n[ \t]*\n\s*)(?=\S)/);
}

/** Spaces collapsed to one and trimmed: a label is one line. */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
