import { cutToFit, words } from '../../text/text-units.ts';
import type { GenericResponse } from '../responses.ts';

/**
 * What one turn may send: a bot's mistake must not queue hours of messages and pauses for one person. Texts count by
 * their length too, since a long one becomes many messages: at most as much as 25 messages of Messenger's 2,000.
 */
export const TURN_LIMITS = { responses: 25, pauseMs: 60_000, textLength: 50_000 };

/**
 * Keeps the first valid responses within TURN_LIMITS; what is over goes to `dropped`, by its index in the answer.
 * `read` are the indexes in the answer of the responses checked.
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
  valid.forEach((response, k) => {
    const index = indexInAnswer[k] as number;
    const room = TURN_LIMITS.textLength - written;
    // A hand-over is kept over the count: it is the bot asking for a person, which nothing else in the turn says.
    const handOver = response.type === 'connect_to_agent' && !kept.some((r) => r.type === 'connect_to_agent');
    if (kept.length >= TURN_LIMITS.responses && !handOver) {
      dropped.push({ index, reason: `over the ${TURN_LIMITS.responses} responses a turn may send` });
    } else if (response.type === 'pause' && paused + response.ms > TURN_LIMITS.pauseMs) {
      dropped.push({ index, reason: `pauses over ${TURN_LIMITS.pauseMs / 1000} s in one turn` });
    } else if (response.type === 'text' && response.text.length > room) {
      // Cut between words; the rest is dropped.
      const text = cutToFit(words(response.text.slice(0, room + 1)), room).trimEnd();
      dropped.push({ index, reason: `text over the ${TURN_LIMITS.textLength} characters a turn may send` });
      written = TURN_LIMITS.textLength;
      if (text !== '') kept.push({ ...response, text });
    } else {
      if (response.type === 'pause') paused += response.ms;
      if (response.type === 'text') written += response.text.length;
      kept.push(response);
    }
  });
  return kept;
}
