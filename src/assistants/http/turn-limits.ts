import { cutToFit, words } from '../../text/text-units.ts';
import type { Card, ConnectToAgentResponse, GenericResponse, TextResponse } from '../responses.ts';

/**
 * What one turn may send: a bot's mistake must not queue hours of messages and pauses for one person. Text counts by
 * its length, wherever it is (a long title or hand-over message becomes many messages too): at most as much as 25
 * messages of Messenger's 2,000. Choices, buttons and cards count one each: past what a message holds, each few of
 * them make one more message.
 */
export const TURN_LIMITS = { responses: 25, pauseMs: 60_000, textLength: 50_000, items: 100 };

/**
 * Keeps the first valid responses within TURN_LIMITS; what is over goes to `dropped`, by its index in the answer.
 * `read` are the indexes in the answer of the responses checked. A text over the room left is cut between words, and
 * so is a hand-over's message; any other response over it is dropped whole.
 */
export function withinTurnLimits(
  read: number[],
  valid: GenericResponse[],
  dropped: { index: number; reason: string }[],
) {
  const invalid = new Set(dropped.map((d) => d.index));
  const indexInAnswer = read.filter((i) => !invalid.has(i));
  const kept: GenericResponse[] = [];
  let paused = 0;
  let written = 0;
  let listed = 0;
  valid.forEach((response, k) => {
    const index = indexInAnswer[k] as number;
    const room = TURN_LIMITS.textLength - written;
    const length = shownLength(response);
    const items = itemCount(response);
    // A hand-over is kept over the count: it is the bot asking for a person, which nothing else in the turn says.
    const handOver = response.type === 'connect_to_agent' && !kept.some((r) => r.type === 'connect_to_agent');
    if (kept.length >= TURN_LIMITS.responses && !handOver) {
      dropped.push({ index, reason: `over the ${TURN_LIMITS.responses} responses a turn may send` });
    } else if (response.type === 'pause' && paused + response.ms > TURN_LIMITS.pauseMs) {
      dropped.push({ index, reason: `pauses over ${TURN_LIMITS.pauseMs / 1000} s in one turn` });
    } else if (listed + items > TURN_LIMITS.items) {
      dropped.push({ index, reason: `over the ${TURN_LIMITS.items} choices, buttons and cards a turn may send` });
    } else if (length > room) {
      dropped.push({ index, reason: `text over the ${TURN_LIMITS.textLength} characters a turn may send` });
      // A text or a hand-over's message is cut between words, and the turn's text ends there: what followed would be
      // read after a gap. Anything else is dropped whole.
      if (response.type === 'text' || response.type === 'connect_to_agent') {
        written = TURN_LIMITS.textLength;
        const cut = cutText(response, room);
        if (cut !== undefined) kept.push(cut);
      }
    } else {
      if (response.type === 'pause') paused += response.ms;
      written += length;
      listed += items;
      kept.push(response);
    }
  });
  return kept;
}

/** A text, or a hand-over's message, cut between words to `room`; a text with nothing left is undefined. */
function cutText(response: TextResponse | ConnectToAgentResponse, room: number): GenericResponse | undefined {
  const cut = (text: string) => cutToFit(words(text.slice(0, room + 1)), room).trimEnd();
  if (response.type === 'text') {
    const text = cut(response.text);
    return text === '' ? undefined : { ...response, text };
  }
  const { message = '', ...handOver } = response;
  const kept = cut(message);
  return kept === '' ? handOver : { ...handOver, message: kept };
}

/** The characters of a response that the person reads as text. */
function shownLength(response: GenericResponse): number {
  switch (response.type) {
    case 'text':
      return response.text.length;
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
    case 'option':
      return (response.title?.length ?? 0) + (response.description?.length ?? 0);
    case 'card':
      return cardLength(response);
    case 'carousel':
      return response.cards.reduce((sum, card) => sum + cardLength(card), 0);
    case 'pause':
      return 0;
    case 'connect_to_agent':
      return response.message?.length ?? 0;
  }
}

function cardLength(card: Card): number {
  return card.title.length + (card.subtitle?.length ?? 0);
}

/** The choices, buttons and cards of a response. */
function itemCount(response: GenericResponse): number {
  if (response.type === 'option') return response.options.length;
  if (response.type === 'card') return 1 + (response.buttons?.length ?? 0);
  if (response.type === 'carousel')
    return response.cards.reduce((sum, card) => sum + 1 + (card.buttons?.length ?? 0), 0);
  return 0;
}
