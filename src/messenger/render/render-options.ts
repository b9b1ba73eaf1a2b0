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
  /**
   * The attachment id Messenger gave for a media URL sent before (the attachment cache), or undefined.
   * With an id the media goes by id; without, by URL with `is_reusable: true` so the send returns an id to cache.
   */
  attachmentIdFor?: (url: string) => string | undefined;
  /** Told about every response or part of one left out (empty text, a choice with no label, a bad URL...). */
  onDrop?: (dropped: DroppedPiece) => void;
}
