/** The Messenger renderer: generic responses → Send API steps, and the page's pacing of them. */
export { MESSENGER_LIMITS, TYPING_RENEW_MS } from './limits.ts';
export type { OutboundStep } from './outbound-step.ts';
export { type Pacing, paceTurn, type ResponseDelayPreset, responseDelayFor } from './pacing.ts';
export { chooseOptionStyle, type OptionStyle } from './render-option.ts';
export { DEFAULT_READABLE_LENGTH, type DroppedPiece, type RenderOptions } from './render-options.ts';
export { renderResponses } from './render-responses.ts';
