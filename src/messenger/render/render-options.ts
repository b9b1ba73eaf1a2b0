import type { GenericResponse } from '../../assistants/responses.ts';

/** The readability target pages get unless they choose otherwise (`readable_length` in page settings). */
export const DEFAULT_READABLE_LENGTH = 320;

/** What the renderer left out and why; for logs and the conversation's flags, never shown to the person. */
export interface DroppedPiece {
  response: GenericResponse;
  reason: string;
}

/** Per-page choices of the renderer. Every field is optional; the defaults render within Messenger's limits. */
export interface RenderOptions {
  /**
   * Texts longer than this many characters are sent as several shorter messages cut at sentence boundaries.
   * Undefined or 0: only the 2000-character hard limit splits. Pages default to `DEFAULT_READABLE_LENGTH`.
   */
  readableLength?: number;
  /** Told about every response or part of one left out (empty text, a choice with no label, a bad URL...). */
  onDrop?: (dropped: DroppedPiece) => void;
}
