import { sentences } from '../../text/text-units.ts';

/**
 * Drops an unfinished last sentence (an answer cut at the token limit), so the person does not read half a
 * thought. A single unfinished sentence is kept, with an ellipsis.
 */
export function dropUnfinishedSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '' || /[.!?…。！？)"'”»]$/u.test(trimmed)) return trimmed;
  const segments = sentences(trimmed);
  if (segments.length < 2) return `${trimmed}…`;
  return segments.slice(0, -1).join('').trim();
}
