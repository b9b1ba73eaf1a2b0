import { graphemes, lines, measure, paragraphs, sentences, words } from './text-units.ts';

/** How to cut one text into messages. */
export interface SplitOptions {
  /** Hard limit of one piece, in UTF-16 code units (`measure`). */
  maxLength: number;
  /**
   * Readability target: texts longer than this are cut at paragraph, line and sentence boundaries into pieces of at
   * most this length, but a single sentence is never cut for readability (only for `maxLength`).
   * 0 or undefined: off.
   */
  readableLength?: number;
}

type Level = 'paragraph' | 'line' | 'sentence' | 'word' | 'grapheme' | 'code point';

/** The units of a level, and the limit a piece of them is held to (which joined sentences must not exceed). */
const UNITS: Record<Level, (text: string, limit: number) => string[]> = {
  paragraph: paragraphs,
  line: lines,
  sentence: sentences,
  word: words,
  grapheme: graphemes,
  // A single grapheme over the limit only happens with pathological stacks of combining marks.
  'code point': (text) => Array.from(text),
};

/** The boundaries a text is cut at for readability; the finer ones only serve the hard limit. */
const READABLE_LEVELS = new Set<Level>(['paragraph', 'line', 'sentence']);

const NEXT: Record<Level, Level | undefined> = {
  paragraph: 'line',
  line: 'sentence',
  sentence: 'word',
  word: 'grapheme',
  grapheme: 'code point',
  'code point': undefined,
};

/**
 * Cuts a text into trimmed, non-empty pieces that each fit `maxLength`: at paragraph, then line (when every line of
 * the paragraph fits), then sentence, then word boundaries, and only inside a word (between graphemes) when one word
 * alone is too long. Each piece is as full as it can be (greedy), so the number of messages stays small. A blank text
 * gives no piece.
 */
export function splitText(text: string, options: SplitOptions): string[] {
  const hard = options.maxLength;
  const readable = options.readableLength ?? 0;
  const soft = readable > 0 ? Math.min(readable, hard) : hard;
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (measure(trimmed) <= soft) return [trimmed];
  return pack(trimmed, 'paragraph', { soft, hard });
}

function pack(text: string, level: Level, limits: { soft: number; hard: number }): string[] {
  const limit = READABLE_LEVELS.has(level) ? limits.soft : limits.hard;
  const pieces: string[] = [];
  let current = '';
  const flush = () => {
    const piece = current.trim();
    if (piece !== '') pieces.push(piece);
    current = '';
  };
  for (const unit of UNITS[level](text, limit)) {
    // Blank space always fits (it is trimmed away): appended without measuring what is there already.
    if (unit.trim() === '' || measure((current + unit).trim()) <= limit) {
      current += unit;
      continue;
    }
    flush();
    const alone = unit.trim();
    if (measure(alone) <= limit) current = unit;
    else if (level === 'sentence' && measure(alone) <= limits.hard) pieces.push(alone);
    else pieces.push(...packFurther(alone, level, limits));
  }
  flush();
  return pieces;
}

function packFurther(text: string, level: Level, limits: { soft: number; hard: number }): string[] {
  const next = finerLevel(text, level, limits.soft);
  return next === undefined ? [text] : pack(text, next, limits);
}

/**
 * Where a unit too long for its level is cut. A paragraph is cut at its lines only when every line fits: otherwise at
 * sentences, so the short lines around a long one are packed with its sentences where they fit together ("Hi Anna!"
 * still goes alone before a long line that is one sentence).
 */
function finerLevel(text: string, level: Level, soft: number): Level | undefined {
  if (level !== 'paragraph') return NEXT[level];
  return lines(text).every((line) => measure(line.trim()) <= soft) ? 'line' : 'sentence';
}
