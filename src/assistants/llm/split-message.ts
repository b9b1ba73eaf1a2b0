const sentences = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/**
 * Splits a long answer into messages of at most `maxLength` characters: at paragraph breaks first, then at line
 * breaks, then between sentences, then between words, as a last resort inside a word. Pieces are packed back together
 * while they fit, so a short answer stays one message and a long one becomes as few as read well.
 */
export function splitMessage(text: string, maxLength: number): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.length <= maxLength) return [trimmed];
  const paragraphs = trimmed
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '');
  const pieces = paragraphs.flatMap((paragraph) =>
    paragraph.length <= maxLength ? [paragraph] : splitParagraph(paragraph, maxLength),
  );
  return pack(pieces, maxLength, '\n\n');
}

/** At line breaks first (a list stays a list), then within each line too long. */
function splitParagraph(paragraph: string, maxLength: number): string[] {
  const lines = paragraph
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .flatMap((line) => (line.length <= maxLength ? [line] : splitLine(line, maxLength)));
  return pack(lines, maxLength, '\n');
}

function splitLine(line: string, maxLength: number): string[] {
  const parts = [...sentences.segment(line)]
    .map((segment) => segment.segment.trim())
    .filter((sentence) => sentence !== '')
    .flatMap((sentence) => (sentence.length <= maxLength ? [sentence] : splitWords(sentence, maxLength)));
  return pack(parts, maxLength, ' ');
}

function splitWords(sentence: string, maxLength: number): string[] {
  const words = sentence.split(/\s+/).flatMap((word) => (word.length <= maxLength ? [word] : cut(word, maxLength)));
  return pack(words, maxLength, ' ');
}

/** Cuts by code points, so an emoji is never broken in half. */
function cut(word: string, maxLength: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const char of word) {
    if (piece.length + char.length > maxLength) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
  }
  return piece === '' ? pieces : [...pieces, piece];
}

function pack(pieces: string[], maxLength: number, separator: string): string[] {
  const messages: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current === '') current = piece;
    else if (current.length + separator.length + piece.length <= maxLength) current += separator + piece;
    else {
      messages.push(current);
      current = piece;
    }
  }
  return current === '' ? messages : [...messages, current];
}

/**
 * Drops an unfinished last sentence (an answer cut at the token limit), so the person does not read half a
 * thought. A single unfinished sentence is kept, with an ellipsis.
 */
export function dropUnfinishedSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '' || /[.!?…。！？)"'”»]$/u.test(trimmed)) return trimmed;
  const segments = [...sentences.segment(trimmed)].map((segment) => segment.segment);
  if (segments.length < 2) return `${trimmed}…`;
  return segments.slice(0, -1).join('').trim();
}
