import type { AssistantTurn } from '../../src/assistants/assistant.ts';

/** A turn of Ada writing to the Acme page; tests override what they look at. */
export function makeTurn(overrides: Partial<AssistantTurn> = {}): AssistantTurn {
  return {
    conversation: { id: 'conv-1', page_id: 'page-1' },
    contact: { id: 'contact-1', profile: { first_name: 'Ada', last_name: 'Lovelace', locale: 'en_GB', timezone: 0 } },
    page: { id: 'page-1', name: 'Acme Support' },
    input: { kind: 'text', text: 'where is my order?' },
    context: {},
    new_session: false,
    history: [],
    ...overrides,
  };
}

/** A logger that keeps what it is told, to check what gets logged (and what does not). */
export function recordingLogger() {
  const entries: { details: Record<string, unknown>; message: string }[] = [];
  return { entries, warn: (details: Record<string, unknown>, message: string) => entries.push({ details, message }) };
}
