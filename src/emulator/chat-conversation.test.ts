import { describe, expect, it } from 'vitest';
import { type ConversationApi, openConversation } from './web/conversation.js';

/** An emulator whose answers the test gives, one by one, and whose stream events it sends. */
function scriptedEmulator() {
  const answers: ((value: Record<string, unknown>) => void)[] = [];
  let handlers: Record<string, (data?: unknown) => void> = {};
  const api: ConversationApi = {
    getConversation: () => new Promise((resolve) => answers.push((value) => resolve({ ok: true as const, value }))),
    getProfile: async () => ({ ok: true as const, value: {} }),
    openStream: (_pageId, _psid, given) => {
      handlers = given as typeof handlers;
      return () => {};
    },
  };
  return {
    api,
    /** Answers the oldest thread load still waiting. */
    answer: async (value: Record<string, unknown>) => {
      answers.shift()?.(value);
      await new Promise((resolve) => setImmediate(resolve));
    },
    stream: (event: string, data?: unknown) => handlers[event]?.(data),
  };
}

describe("the emulator chat page's conversation", () => {
  it('keeps what the stream said of a page block over a thread load made before it', async () => {
    const emulator = scriptedEmulator();
    const conversation = openConversation({
      api: emulator.api,
      pageId: 'p1',
      psid: 'u1',
      onChange: () => {},
      onError: (message) => expect.fail(message),
      onReset: () => {},
    });
    const blocked = { items: [], page_messaging_block: { reason: 'Spam reported.', since: 1 } };
    await emulator.answer(blocked);
    expect(conversation.snapshot().pageBlock).toEqual({ reason: 'Spam reported.', since: 1 });
    // The stream connects, and its load starts; Meta lifts the block before the load is answered.
    emulator.stream('onOpen');
    emulator.stream('page', { messaging_block: null });
    await emulator.answer(blocked);
    expect(conversation.snapshot().pageBlock).toBeNull();
    // A load started after the stream's word says what it says.
    emulator.stream('onOpen');
    await emulator.answer(blocked);
    expect(conversation.snapshot().pageBlock).toEqual({ reason: 'Spam reported.', since: 1 });
    conversation.close();
  });
});
