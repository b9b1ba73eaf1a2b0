import type { OutgoingStep, ResponseRenderer } from '../conversations/ports.ts';
import { type DroppedPiece, paceTurn, renderResponses, responseDelayFor } from './render/index.ts';
import type { OutgoingMessage } from './send-types.ts';

export interface MessengerRendererOptions {
  random?: () => number;
  /** Told of every response, or part of one, Messenger cannot show (a relative URL a bot sent, an empty text…). */
  onDrop?: (turn: { pageId: string; conversationId: string }, dropped: DroppedPiece) => void;
}

/** The domain's renderer port for Messenger: generic responses → Send API messages, paced per page settings. */
export function createMessengerRenderer(options: MessengerRendererOptions = {}): ResponseRenderer {
  const random = options.random ?? Math.random;
  return {
    render(responses, page, conversationId) {
      const s = page.settings;
      const steps = renderResponses(responses, {
        readableLength: s.readable_length,
        onDrop: options.onDrop
          ? (dropped) => options.onDrop?.({ pageId: page.id, conversationId }, dropped)
          : undefined,
      });
      const paced = paceTurn(steps, {
        typing: s.typing_indicators,
        delayBetweenMs: s.delay_between_messages_ms,
        responseDelayMs: responseDelayFor(s.response_delay, random),
      });
      return paced.map(
        (step): OutgoingStep =>
          step.kind === 'message' ? { kind: 'message', message: step.message, preview: previewOf(step.message) } : step,
      );
    },
  };
}

/** What the inbox lists for a message the page sends. */
export function previewOf(message: OutgoingMessage): string {
  if (message.text) return message.text;
  const attachment = message.attachment;
  if (!attachment) return '';
  if (attachment.type !== 'template') return `[${attachment.type}]`;
  const payload = attachment.payload;
  if (payload.template_type === 'button') return payload.text;
  if (payload.template_type === 'generic') return payload.elements.map((e) => e.title).join(' · ');
  return `[${payload.elements[0]?.media_type ?? 'media'}]`;
}
