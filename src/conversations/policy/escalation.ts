import { cutToFit, graphemes } from '../../text/text-units.ts';
import { asksForHuman } from './ask-for-human.ts';
import {
  GLAD_FILLERS,
  GLAD_PHRASES,
  GLAD_WORDS,
  MASKED_STRONG_WORDS,
  STRONG_PHRASES,
  STRONG_WORDS,
  TOO_COMMON_TO_REPEAT,
} from './escalation-phrases.ts';
import { fold, hasPhrase, words } from './fold.ts';

export type EscalationReason =
  | 'asked_for_human'
  | 'keyword'
  | 'repeated_fallback'
  | 'repeated_message'
  | 'strong_language'
  | 'shouting';

export interface EscalationInput {
  text?: string;
  kind: 'text' | 'choice' | 'welcome' | 'attachment';
}

export interface EscalationContext {
  /** The page's `escalation_keywords`, matched as whole words, ignoring case and accents. */
  keywords: string[];
  /**
   * The person's earlier messages (not including this one), folded (see `fold`), any order; only the last 10 minutes
   * count. Kept folded so that a turn does not fold them all again.
   */
  recentInbound: { folded: string; at: number }[];
  /** Turns in a row the assistant answered with its fallback, before this message. */
  fallbacksInARow: number;
  now: number;
  /** This message's text read already (`readText`), by whoever had the time. */
  reading?: TextReading;
}

/**
 * What the checks find in a message's text alone, before the page's keywords and the person's earlier messages: read
 * once per message, where it costs least. The webhook's thread reads the texts it hands to the processing thread, the
 * gateway's busiest (thread-client.ts); elsewhere the checks read them as they run.
 */
export interface TextReading {
  /** The text read, trimmed: a reading of another text is not used. */
  text: string;
  folded: string;
  asksForHuman: boolean;
  strongWord?: string;
  shouting?: string;
}

export function readText(text: string): TextReading {
  const trimmed = text.trim();
  return {
    text: trimmed,
    folded: fold(trimmed),
    asksForHuman: asksForHuman(trimmed),
    strongWord: strongWord(trimmed),
    shouting: shouting(trimmed),
  };
}

const readsText = (given: TextReading | undefined, text: string): given is TextReading => given?.text === text.trim();

/** `given` when it is a reading of `text`, otherwise a reading made now. */
function readingOf(text: string, given: TextReading | undefined): TextReading {
  return readsText(given, text) ? given : readText(text);
}

/** The text folded (`fold`), taken from its reading when there is one. */
export function foldedOf(text: string, given: TextReading | undefined): string {
  return readsText(given, text) ? given.folded : fold(text);
}

export interface Escalation {
  reason: EscalationReason;
  /** A sentence for the inbox ("asked for a person: “agent please”"). */
  detail: string;
}

/** The same message this many times (this one included) within REPEAT_WINDOW_MS escalates. */
export const REPEATS_TO_ESCALATE = 3;
export const REPEAT_WINDOW_MS = 10 * 60_000;
/**
 * Fallbacks in a row after which the next message escalates: after two misses, the person's third try goes to a
 * person instead of risking a third "Sorry, I did not get that".
 */
export const FALLBACKS_TO_ESCALATE = 2;
/** Shouting: at least this many cased letters, of which at least SHOUT_RATIO are capitals. */
export const SHOUT_MIN_LETTERS = 12;
export const SHOUT_RATIO = 0.8;

/**
 * Says whether a person's message should bring in a person, and why. Checked before the assistant runs; the
 * first cause that applies wins, in this order: asked for a person, page keyword, strong language, shouting,
 * the same message repeated, repeated fallbacks.
 * Choices and welcomes never escalate: they are the assistant's own buttons (a "Talk to a person" choice is the
 * assistant's to handle) and Get Started is a fresh start.
 */
export function detectEscalation(input: EscalationInput, ctx: EscalationContext): Escalation | undefined {
  if (input.kind === 'choice' || input.kind === 'welcome') return undefined;
  const text = input.text?.trim() ?? '';
  if (text !== '') {
    const found = textCause(text, ctx);
    if (found) return found;
  }
  if (ctx.fallbacksInARow >= FALLBACKS_TO_ESCALATE) {
    return {
      reason: 'repeated_fallback',
      detail: `the assistant did not understand ${ctx.fallbacksInARow} messages in a row`,
    };
  }
  return undefined;
}

function textCause(text: string, ctx: EscalationContext): Escalation | undefined {
  const reading = readingOf(text, ctx.reading);
  if (reading.asksForHuman) return askedForPerson(text);
  const keyword = keywordIn(reading.folded, ctx.keywords);
  if (keyword !== undefined) return { reason: 'keyword', detail: `used the keyword “${keyword}”` };
  const strong = reading.strongWord;
  if (strong !== undefined) return { reason: 'strong_language', detail: `strong language (“${strong}”)` };
  if (reading.shouting) return { reason: 'shouting', detail: reading.shouting };
  const repeats = foldedRepeatCount(reading.folded, ctx);
  if (repeats >= REPEATS_TO_ESCALATE) {
    return { reason: 'repeated_message', detail: `sent the same message ${repeats} times in 10 minutes` };
  }
  return undefined;
}

/**
 * The text's request for a person, if it makes one; `when` follows "asked for a person" in the detail, `given` is the
 * text's reading, if it was read already.
 */
export function requestForPerson(text: string, when?: string, given?: TextReading): Escalation | undefined {
  const asks = readsText(given, text) ? given.asksForHuman : asksForHuman(text);
  return asks ? askedForPerson(text, when) : undefined;
}

function askedForPerson(text: string, when?: string): Escalation {
  return { reason: 'asked_for_human', detail: `asked for a person${when ? ` ${when}` : ''}: “${excerpt(text)}”` };
}

/** The first keyword found as whole words ("remboursement" matches "Remboursement ?" but not "remboursements"). */
export function matchKeyword(text: string, keywords: readonly string[]): string | undefined {
  return keywordIn(fold(text), keywords);
}

function keywordIn(folded: string, keywords: readonly string[]): string | undefined {
  return keywords.find((keyword) => hasPhrase(folded, fold(keyword)));
}

const STRONG = new Set<string>([...STRONG_WORDS.en, ...STRONG_WORDS.fr]);

/** The first swear word or insult in the text, as folded; masked forms ("f*ck") and phrases ("ta gueule") count. */
export function strongWord(text: string): string | undefined {
  const masked = MASKED_STRONG_WORDS.exec(text.toLowerCase());
  if (masked) return masked[0];
  const word = words(text).find((w) => STRONG.has(w) || (w.endsWith('s') && STRONG.has(w.slice(0, -1))));
  return word ?? STRONG_PHRASES.exec(fold(text))?.[0];
}

const GLAD = new Set(GLAD_WORDS);
const GLAD_FILLER = new Set(GLAD_FILLERS);

/**
 * Describes the shouting in a text, if any: mostly capitals over enough letters, or three "!" in a row (unless the
 * message is only thanks, joy or a greeting: "Merci !!!", "THANK YOU FOR YOUR HELP", "Bonne journée !!!", "Can't
 * wait!!!", "Amazing!!!").
 */
export function shouting(text: string): string | undefined {
  const upper = text.match(/\p{Lu}/gu)?.length ?? 0;
  const cased = upper + (text.match(/\p{Ll}/gu)?.length ?? 0);
  // Thanks, joy or a greeting in capitals or with "!!!" is enthusiasm, not anger.
  if (onlyGlad(text)) return undefined;
  if (cased >= SHOUT_MIN_LETTERS && upper >= SHOUT_RATIO * cased) {
    return `wrote in capitals (${Math.round((100 * upper) / cased)} % of ${cased} letters)`;
  }
  if (/[!！]{3,}/u.test(text)) return 'wrote “!!!”';
  return undefined;
}

/** Padded with spaces as they are looked for in the folded text. */
const PADDED_GLAD_PHRASES = GLAD_PHRASES.map((phrase) => ` ${phrase} `);

/**
 * A thanks, joy or greeting word or phrase, and nothing but such words and the short words around them: "Can't
 * wait!!!" and "This is amazing!!!" are enthusiasm, "I can't wait any longer!!!" is not.
 */
function onlyGlad(text: string): boolean {
  let rest = ` ${fold(text)} `;
  let glad = false;
  for (const padded of PADDED_GLAD_PHRASES) {
    while (rest.includes(padded)) {
      rest = rest.replace(padded, ' ');
      glad = true;
    }
  }
  const said = rest.trim() === '' ? [] : rest.trim().split(' ');
  return (glad || said.some((word) => GLAD.has(word))) && said.every((word) => GLAD.has(word) || GLAD_FILLER.has(word));
}

const COMMON = new Set(TOO_COMMON_TO_REPEAT);

/** How many times this message was sent within the window, this one included; 0 for replies like "ok" or "oui". */
export function repeatCount(text: string, ctx: Pick<EscalationContext, 'recentInbound' | 'now'>): number {
  return foldedRepeatCount(fold(text), ctx);
}

function foldedRepeatCount(folded: string, ctx: Pick<EscalationContext, 'recentInbound' | 'now'>): number {
  // Short answers come again on their own ("2" people, "2" nights): only longer messages say "you did not hear me".
  if (folded.length <= 2 || /^\d+$/.test(folded) || COMMON.has(folded)) return 0;
  const earlier = ctx.recentInbound.filter(
    (m) => m.at <= ctx.now && ctx.now - m.at <= REPEAT_WINDOW_MS && m.folded === folded,
  );
  return earlier.length + 1;
}

/** The message on one line, cut at 80 between the characters a person sees (never in half an emoji). */
function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  // Only the start is shown: a person's message may be long, and only its first 79 code units can be kept.
  return oneLine.length <= 80 ? oneLine : `${cutToFit(graphemes(oneLine.slice(0, 160)), 79)}…`;
}
