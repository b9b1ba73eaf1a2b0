import { cutToFit, graphemes, measure, words } from '../../text/text-units.ts';

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
  const originals = labels.map((label) => label.trim());
  const atWord = originals.map((label) => shortenText(label, max));
  const atGrapheme = untangle(atWord, originals, (label) => cutAtGrapheme(label, max));
  // Still the same ("Order for March 202…" twice): the ends tell them apart ("Order for …2025 pick").
  return untangle(atGrapheme, originals, (label) => cutMiddle(label, max));
}

/** Labels shown the same although their originals differ are shortened again with `cut`. */
function untangle(short: string[], originals: string[], cut: (label: string) => string): string[] {
  const counts = new Map<string, number>();
  for (const label of short) counts.set(label, (counts.get(label) ?? 0) + 1);
  return short.map((label, i) => {
    const original = originals[i] ?? '';
    return (counts.get(label) ?? 0) > 1 && label !== original ? cut(original) : label;
  });
}

/** The start and the end of a text, with "…" between. */
function cutMiddle(text: string, max: number): string {
  const units = graphemes(text);
  const room = max - ELLIPSIS.length;
  let tail = '';
  for (let i = units.length - 1; i >= 0; i--) {
    const longer = `${units[i]}${tail}`;
    if (measure(longer) > Math.floor(room / 2)) break;
    tail = longer;
  }
  const head = cutToFit(units, room - measure(tail));
  return `${head.trimEnd()}${ELLIPSIS}${tail.trimStart()}`;
}

function cutAtGrapheme(text: string, max: number): string {
  return cutToFit(graphemes(text), max - ELLIPSIS.length).trimEnd() + ELLIPSIS;
}
