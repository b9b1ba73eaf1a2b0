import type { MediaResponse } from '../../assistants/responses.ts';
import { measure } from '../../text/text-units.ts';
import { MESSENGER_LIMITS as L } from './limits.ts';
import type { OutboundStep } from './outbound-step.ts';
import { genericTemplate } from './render-card.ts';
import { joinLines, messageStep, textSteps, webUrl } from './steps.ts';

/** What `renderMedia` needs from the page. */
export interface MediaContext {
  readableLength?: number | undefined;
  drop: (reason: string) => void;
}

/**
 * Media as Messenger shows them best:
 * - an image with a title or description that fit a card (80 characters each) → a card with the image on top,
 *   so the words show with it (an attachment has no caption);
 * - any other media → an attachment by URL with `is_reusable: true` (the sender swaps in an attachment id Messenger
 *   gave for it before, so the stored message keeps the URL); a title or description that did not fit a card
 *   follows as a text message.
 * Media without an http(s) URL are left out.
 */
export function renderMedia(media: MediaResponse, context: MediaContext): OutboundStep[] {
  const url = webUrl(media.url);
  if (url === undefined) {
    context.drop(`${media.type} without an http(s) URL`);
    return [];
  }
  const title = (media.title ?? '').trim();
  const description = (media.description ?? '').trim();
  if (media.type === 'image' && (title || description) && fitsCard(title, description)) {
    // With only a description, it becomes the title: an element must have one.
    const element = title
      ? { title, image_url: url, ...(description ? { subtitle: description } : {}) }
      : { title: description, image_url: url };
    return [genericTemplate([element])];
  }
  const attachment = messageStep({ attachment: { type: media.type, payload: { url, is_reusable: true } } });
  return [attachment, ...textSteps(joinLines(title, description), context.readableLength)];
}

function fitsCard(title: string, description: string): boolean {
  return measure(title) <= L.elementTitleLength && measure(description) <= L.elementSubtitleLength;
}
