/**
 * Send API limits the renderer keeps to (messenger-platform.md §3.4–§3.7).
 * Lengths are counted in UTF-16 code units (`string.length`), which is never less than the count in code
 * points or graphemes, so a piece that fits here fits however Messenger counts "characters".
 */
export const MESSENGER_LIMITS = {
  /** `message.text`; one third-party doc says 1994 (messenger-platform.md §12 item 4), the reference says 2000. */
  textLength: 2000,
  quickReplies: 13,
  quickReplyTitleLength: 20,
  buttonTemplateTextLength: 640,
  buttonsPerTemplate: 3,
  buttonTitleLength: 20,
  genericElements: 10,
  elementTitleLength: 80,
  elementSubtitleLength: 80,
  payloadLength: 1000,
} as const;

/** Messenger switches a typing indicator off after about 20 s (§3.3, unconfirmed), so it is renewed this often. */
export const TYPING_RENEW_MS = 15_000;
