import type { GraphCall } from '../../src/emulator/graph-call-log.ts';

/** A Send API body, with the fields the tests read. */
export interface SentBody {
  recipient?: { id?: string; user_ref?: string };
  messaging_type?: string;
  tag?: string;
  sender_action?: string;
  message?: { text?: string; attachment?: { payload: unknown } };
}

/**
 * A Send API call's body as Graph reads it. The gateway sends a lone reply as JSON, and replies in a batch as forms
 * whose objects are JSON strings (messenger-platform.md §9); the emulator's call log lists each as it was sent.
 */
export function sentBody(call: Pick<GraphCall, 'body'>): SentBody {
  const { body } = call;
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [
      name,
      typeof value === 'string' && /^[{[]/.test(value) ? (JSON.parse(value) as unknown) : value,
    ]),
  );
}
