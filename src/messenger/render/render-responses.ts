import type { GenericResponse } from '../../assistants/responses.ts';
import type { OutboundStep } from './outbound-step.ts';
import { renderCard, renderCarousel } from './render-card.ts';
import { renderMedia } from './render-media.ts';
import { renderOption } from './render-option.ts';
import type { RenderOptions } from './render-options.ts';
import { settleTyping } from './settle-typing.ts';
import { textSteps } from './steps.ts';

/**
 * One assistant turn as Messenger steps (design.md §5, docs/rendering.md). Pure: the same input gives the
 * same steps. Option responses move to the end of the turn, in their own order, because quick replies vanish
 * as soon as another message follows; everything else keeps the assistant's order. Pieces that cannot be shown
 * (empty text, media without URL...) are left out and reported to `options.onDrop`.
 */
export function renderResponses(responses: readonly GenericResponse[], options: RenderOptions = {}): OutboundStep[] {
  const lastOption = responses.findLastIndex((response) => response?.type === 'option');
  const body: OutboundStep[] = [];
  const tail: OutboundStep[] = [];
  responses.forEach((response, index) => {
    const drop = (reason: string) => options.onDrop?.({ response, reason });
    const steps = renderOne(response, { ...options, drop, quickRepliesAllowed: index === lastOption });
    (response?.type === 'option' ? tail : body).push(...steps);
  });
  return settleTyping([...body, ...tail]);
}

interface RenderContext extends RenderOptions {
  drop: (reason: string) => void;
  quickRepliesAllowed: boolean;
}

function renderOne(response: GenericResponse, context: RenderContext): OutboundStep[] {
  switch (response?.type) {
    case 'text':
      return nonEmpty(textSteps(response.text ?? '', context.readableLength), 'empty text', context.drop);
    case 'option':
      return renderOption(response, context);
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
      return renderMedia(response, context);
    case 'card':
      return renderCard(response, context.drop, context.readableLength);
    case 'carousel':
      return renderCarousel(response, context.drop, context.readableLength);
    case 'pause':
      return renderPause(response.ms, response.typing, context.drop);
    case 'connect_to_agent':
      // The hand-over itself is the conversation service's work; the person only sees the message.
      return textSteps(response.message ?? '', context.readableLength);
    default:
      context.drop('unknown response type');
      return [];
  }
}

function renderPause(ms: number, typing: boolean, drop: (reason: string) => void): OutboundStep[] {
  if (!Number.isFinite(ms) || ms <= 0) {
    drop('pause without a positive duration');
    return [];
  }
  return [
    { kind: 'typing', on: typing === true },
    { kind: 'wait', ms },
  ];
}

function nonEmpty(steps: OutboundStep[], reason: string, drop: (reason: string) => void): OutboundStep[] {
  if (steps.length === 0) drop(reason);
  return steps;
}
