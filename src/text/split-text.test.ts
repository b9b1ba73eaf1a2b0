import { describe, expect, it } from 'vitest';
import { type SplitOptions, splitText } from './split-text.ts';
import { graphemes } from './text-units.ts';

/** Split under Messenger's limit of a message's text, 2000. */
const split = (text: string, options: Partial<SplitOptions> = {}) => splitText(text, { maxLength: 2000, ...options });

/** A sentence of exactly `length` characters: capitalised words, a full stop. */
function sentence(length: number): string {
  const body = 'Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod '.repeat(Math.ceil(length / 70));
  return `${body
    .slice(0, length - 1)
    .trimEnd()
    .padEnd(length - 1, 'x')}.`;
}

/** Sentences of the given lengths joined by one space. */
function sentences(...lengths: number[]): string {
  return lengths.map(sentence).join(' ');
}

function expectGraphemesIntact(pieces: string[], original: string) {
  expect(pieces.join('')).toBe(original);
  const whole = new Set(graphemes(original));
  for (const piece of pieces) for (const g of graphemes(piece)) expect(whole.has(g)).toBe(true);
}

describe('splitText under the 2000-character limit', () => {
  it.each([
    { name: 'a short text', text: 'Hello there.', pieces: 1 },
    { name: 'exactly 2000 characters', text: sentences(1000, 999), pieces: 1 },
    { name: '2001 characters', text: sentences(1000, 1000), pieces: 2 },
    { name: 'six sentences of 800 characters', text: sentences(800, 800, 800, 800, 800, 800), pieces: 3 },
  ])('sends $name as $pieces message(s), each within the limit', ({ text, pieces }) => {
    const result = split(text);
    expect(result).toHaveLength(pieces);
    for (const piece of result) expect(piece.length).toBeLessThanOrEqual(2000);
    expect(result.join(' ')).toBe(text);
  });

  it('cuts at a sentence boundary when the text is over the limit', () => {
    const text = sentences(1500, 400, 300);
    expect(split(text)).toEqual([sentences(1500, 400), sentence(300)]);
  });

  it('prefers a blank line between paragraphs to a sentence boundary', () => {
    const text = `${sentences(500, 400)}\n\n${sentences(700, 800)}`;
    expect(split(text)).toEqual([sentences(500, 400), sentences(700, 800)]);
  });

  it('cuts a text with no sentence boundary between words', () => {
    const text = 'lorem ipsum dolor '.repeat(200).trim();
    const result = split(text);
    expect(result).toHaveLength(2);
    expect(result[0]?.length).toBeLessThanOrEqual(2000);
    expect(result.join(' ')).toBe(text);
  });

  it('cuts one very long word between characters, filling each message', () => {
    const word = 'x'.repeat(4500);
    expect(split(word).map((p) => p.length)).toEqual([2000, 2000, 500]);
  });

  it.each([
    { name: 'emoji (two UTF-16 units each)', text: `a${'👍'.repeat(1001)}` },
    { name: 'ZWJ family emoji', text: `a${'👨‍👩‍👧'.repeat(300)}` },
    { name: 'flags', text: `ab${'🇫🇷'.repeat(600)}` },
    { name: 'letters with combining accents', text: `a${'e\u0301'.repeat(1001)}` },
    { name: 'skin-tone modifiers', text: `a${'👋🏽'.repeat(600)}` },
  ])('never cuts $name in half', ({ text }) => {
    const result = split(text);
    expect(result.length).toBeGreaterThan(1);
    for (const piece of result) expect(piece.length).toBeLessThanOrEqual(2000);
    expectGraphemesIntact(result, text);
  });

  it('keeps a grapheme of thousands of combining marks within the limit, as a last resort', () => {
    const text = `a${'\u0301'.repeat(2500)}`;
    const result = split(text);
    expect(result.map((p) => p.length)).toEqual([2000, 501]);
  });

  it.each(['', '   ', '\n\n\t'])('gives no message for the blank text %j', (text) => {
    expect(split(text)).toEqual([]);
  });

  it('trims the text and each piece', () => {
    expect(split('  Hello.  ')).toEqual(['Hello.']);
    for (const piece of split(`  ${sentences(1500, 1500)}  `)) expect(piece).toBe(piece.trim());
  });

  it('respects a smaller hard limit (the 640 of a button template)', () => {
    const result = split(sentences(300, 300, 300), { maxLength: 640 });
    expect(result).toEqual([sentences(300, 300), sentence(300)]);
  });
});

describe('splitText for readability', () => {
  it('packs sentences into pieces of at most the readable length', () => {
    const text = sentences(100, 100, 100, 100, 100);
    expect(split(text, { readableLength: 320 })).toEqual([sentences(100, 100, 100), sentences(100, 100)]);
  });

  it('leaves a text of exactly the readable length whole', () => {
    expect(split(sentences(160, 159), { readableLength: 320 })).toHaveLength(1);
  });

  it('keeps a single sentence longer than the readable length whole', () => {
    const text = sentences(100, 900, 100);
    expect(split(text, { readableLength: 320 })).toEqual([sentence(100), sentence(900), sentence(100)]);
  });

  it('still cuts a sentence over 2000 characters between words', () => {
    const text = sentence(2500);
    const result = split(text, { readableLength: 320 });
    expect(result).toHaveLength(2);
    expect(result.join(' ')).toBe(text);
  });

  it('does not split a text with no sentence boundary for readability', () => {
    const text = 'lorem ipsum dolor '.repeat(30).trim();
    expect(split(text, { readableLength: 320 })).toEqual([text]);
  });

  it.each([0, undefined])('is off when the readable length is %s', (readableLength) => {
    const text = sentences(100, 100, 100, 100, 100);
    expect(split(text, { readableLength })).toEqual([text]);
  });

  it('prefers a line break to a sentence boundary', () => {
    const text = `${sentences(100, 100)}\n${sentences(100, 100)}`;
    expect(split(text, { readableLength: 320 })).toEqual([sentences(100, 100), sentences(100, 100)]);
  });

  it('packs the short lines before a long line with its first sentences', () => {
    const text = `Hi Anna!\n${sentences(100, 100, 100, 100)}`;
    expect(split(text, { readableLength: 320 })).toEqual([`Hi Anna!\n${sentences(100, 100, 100)}`, sentence(100)]);
  });

  it('packs a list with a long step as full as it can, keeping the step number with its step', () => {
    const text = `Here is what to do:\n1. Open the app.\n2. ${sentences(100, 100, 100, 100)}`;
    expect(split(text, { readableLength: 320 })).toEqual([
      `Here is what to do:\n1. Open the app.\n2. ${sentences(100, 100)}`,
      sentences(100, 100),
    ]);
  });

  it('keeps a step number with a step longer than the readable length', () => {
    const text = `${sentence(100)}\n3. ${sentence(400)}`;
    expect(split(text, { readableLength: 320 })).toEqual([sentence(100), `3. ${sentence(400)}`]);
  });

  it('cuts between sentences that end with a single capital', () => {
    const text = Array.from('ABCDEFGH', (c) => `If the first step fails, try again and then choose option ${c}.`).join(
      ' ',
    );
    const result = split(text, { readableLength: 320 });
    expect(result).toHaveLength(2);
    for (const piece of result) expect(piece.length).toBeLessThanOrEqual(320);
    expect(result.join(' ')).toBe(text);
  });

  it('cuts after initials when keeping them with their name would go over the readable length', () => {
    const text = `Plan A. B. ${sentence(315)}`;
    expect(split(text, { readableLength: 320 })).toEqual(['Plan A. B.', sentence(315)]);
  });

  it.each([
    ['Ask John F. Kennedy about it today please.', 'Ask John F.'],
    ['Contact J. Smith on Monday.', 'Contact J.'],
  ])('does not cut a name with an initial: %j', (end, head) => {
    const text = `${sentence(300)} ${end}`;
    const result = split(text, { readableLength: 320 });
    expect(result).toEqual([sentence(300), end]);
    expect(result).not.toContain(head);
  });

  it('does not send initials alone when the rest of their sentence is too long anyway', () => {
    const text = `J. K. Rowling wrote ${sentence(400)}`;
    expect(split(text, { readableLength: 320 })).toEqual([text]);
  });

  it('still keeps every piece within the hard limit when initials start a very long sentence', () => {
    const text = `J. K. Rowling wrote ${sentence(2500)}`;
    const result = split(text, { readableLength: 320 });
    for (const piece of result) expect(piece.length).toBeLessThanOrEqual(2000);
    expect(result.join(' ')).toBe(text);
  });

  it('sends a short line alone before a long line that is a single sentence', () => {
    const text = `Hi Anna!\n${sentence(400)}`;
    expect(split(text, { readableLength: 320 })).toEqual(['Hi Anna!', sentence(400)]);
  });

  it('keeps each number of a numbered list with its step', () => {
    const steps = Array.from({ length: 12 }, (_, i) => `${i + 1}. Step number ${i + 1} goes here with some words`);
    const result = split(steps.join('\n'), { readableLength: 320 });
    expect(result).toEqual([steps.slice(0, 7).join('\n'), steps.slice(7).join('\n')]);
  });

  it.each([
    'Dr. Martin will call you back tomorrow.',
    'Mrs. Martin will call you back tomorrow.',
    'M. Martin vous rappellera demain.',
    '2. Fold the sheet in half along the line.',
  ])('does not cut between “%s” and what it starts', (next) => {
    const text = `${sentence(300)} ${next}`;
    expect(split(text, { readableLength: 320 })).toEqual([sentence(300), next]);
  });

  it('never exceeds the hard limit when the readable length is larger', () => {
    const text = sentences(1500, 1500);
    expect(split(text, { readableLength: 5000 })).toEqual([sentence(1500), sentence(1500)]);
  });
});
