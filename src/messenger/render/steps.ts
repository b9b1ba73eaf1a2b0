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

/**
 * An http(s) address as Graph fetches it (spaces and other characters percent-encoded, the host in ASCII); undefined
 * for anything else. Graph fails to fetch an address with a space in it.
 */
export function webUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
