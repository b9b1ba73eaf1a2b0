import type { AssistantReply } from '../assistant.ts';

/**
 * What the person gets when an external assistant fails: the page's fallback text, with the reason so the
 * gateway flags the conversation. The context is left out, so it stays unchanged.
 */
export function fallbackReply(fallbackText: string, reason: string): AssistantReply {
  return { responses: [{ type: 'text', text: fallbackText }], failure: { reason } };
}
