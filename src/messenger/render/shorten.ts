import { graphemes, measure, words } from './text-units.ts';

const ELLIPSIS = '…';
/** Left at the end of a shortened text before the ellipsis, these would look odd: "Yes, …", "A (…". */
const TRAILING_JUNK = /[\s.,;:!?\-–—/([{·•|&+]+$/u;

/**
 * Fits a text into `max` (UTF-16 units), ending with "…" when it had to be cut. The cut is at a word boundary
 * when that keeps at least a third of the room ("Cancel my…"), else between graphemes
 * ("Supercalifragilist…"), so a label never ends in half an emoji.
 */
export function shortenText(text: string, max: number): string {
  const trimmed = text.trim();
  if (measure(trimmed) <= max) return trimmed;
  const atWord = cutToFit(words(trimmed), max - ELLIPSIS.length).replace(TRAILING_JUNK, '');
  if (measure(atWord) >= Math.ceil(max / 3)) return atWord + ELLIPSIS;
  return cutAtGrapheme(trimmed, max);
}

/**
 * Shortens several labels shown side by side. Labels that shortening at a word boundary would make identical
 * ("Order for March…", "Order for April…") are cut between graphemes instead, which keeps more of each.
 */
export function shortenLabels(labels: readonly string[], max: number): string[] {
  const short = labels.map((label) => shortenText(label, max));
  const counts = new Map<string, number>();
  for (const label of short) counts.set(label, (counts.get(label) ?? 0) + 1);
  return short.map((label, i) => {
    const original = (labels[i] ?? '').trim();
    const clash = (counts.get(label) ?? 0) > 1 && label !== original;
    return clash ? cutAtGrapheme(original, max) : label;
  });
}

function cutAtGrapheme(text: string, max: number): string {
  return cutToFit(graphemes(text), max - ELLIPSIS.length).trimEnd() + ELLIPSIS;
}

function cutToFit(units: readonly string[], room: number): string {
  let kept = '';
  for (const unit of units) {
    if (measure(kept + unit) > room) break;
    kept += unit;
  }
  return kept;
}
