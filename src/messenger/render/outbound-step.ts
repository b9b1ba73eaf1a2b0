import type { OutgoingMessage } from '../send-types.ts';

/**
 * One step of a rendered turn, in the order it must happen.
 * The outbox stores messages and typing indicators as rows; a `wait` becomes the delay before the next row.
 */
export type OutboundStep =
  | { kind: 'message'; message: OutgoingMessage }
  | { kind: 'typing'; on: boolean }
  | { kind: 'wait'; ms: number };
