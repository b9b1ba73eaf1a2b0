import { splitText } from '../../text/split-text.ts';
import type { OutgoingMessage } from '../send-types.ts';
import { MESSENGER_LIMITS as L } from './limits.ts';
import type { OutboundStep } from './outbound-step.ts';

/** One message step. */
export function messageStep(message: OutgoingMessage): OutboundStep {
  return { kind: 'message', message };
}

/** A text as messages: split for the hard limit and, when asked, for readability. */
export function textSteps(text: string, readableLength: number | undefined): OutboundStep[] {
  return splitText(text, { maxLength: L.textLength, readableLength }).map((piece) => messageStep({ text: piece }));
}

/** A title and an optional description as one text, on two lines. */
export function joinLines(...lines: (string | undefined)[]): string {
  return lines
    .map((line) => line?.trim() ?? '')
    .filter((line) => line !== '')
    .join('\n');
}

/** True for an absolute http(s) URL, the only kind Messenger fetches. */
export function isWebUrl(url: string | undefined): url is string {
  if (url === undefined) return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
