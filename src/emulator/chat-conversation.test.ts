import { describe, expect, it } from 'vitest';
import { type ConversationApi, openConversation } from './web/conversation.js';

/** An emulator whose answers the test gives, one by one, and whose stream events it sends. */
function scriptedEmulator() {
  type Answer = (value: Record<string, unknown>) => void;
  const threads: Answer[] = [];
  const profiles: Answer[] = [];
  const waiting = (queue: Answer[]) =>
    new Promise<{ ok: true; value: Record<string, unknown> }>((resolve) =>
      queue.push((value) => resolve({ ok: true as const, value })),
    );
  let handlers: Record<string, (data?: unknown) => void> = {};
  const api: ConversationApi = {
    getConversation: () => waiting(threads),
    getProfile: () => waiting(profiles),
    openStream: (_pageId, _psid, given) => {
      handlers = given as typeof handlers;
      return () => {};
    },
  };
  /** Answers the request still waiting at `at` in `queue`: the oldest unless told. */
  const answerFrom = async (queue: Answer[], value: Record<string, unknown>, at = 0) => {
    queue.splice(at, 1)[0]?.(value);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    api,
    /** Answers a thread load still waiting: the oldest unless told. */
    answer: (value: Record<string, unknown>, at?: number) => answerFrom(threads, value, at),
    /** Answers a profile load still waiting: the oldest unless told. */
    answerProfile: (value: Record<string, unknown>, at?: number) => answerFrom(profiles, value, at),
    stream: (event: string, data?: unknown) => handlers[event]?.(data),
  };
}

/** The chat page's conversation over `emulator`, its first loads unanswered. */
const openOn = (emulator: ReturnType<typeof scriptedEmulator>) =>
  openConversation({
    api: emulator.api,
    pageId: 'p1',
    psid: 'u1',
    onChange: () => {},
    onError: (message) => expect.fail(message),
    onGeneration: () => {},
  });

/** The chat page's conversation over a scripted emulator, its first thread and profile loads answered. */
async function opened(thread: Record<string, unknown>, profile: Record<string, unknown> = {}) {
  const emulator = scriptedEmulator();
  const conversation = openOn(emulator);
  await emulator.answerProfile(profile);
  await emulator.answer(thread);
  return { emulator, conversation };
}

const sent = { id: 'm1', timestamp: 1, from: 'page', message: { text: 'Hi' }, status: 'delivered' };

describe("the emulator chat page's conversation", () => {
  it('keeps what the stream said of a page block over a thread load made before it', async () => {
    const blocked = { items: [], page_messaging_block: { reason: 'Spam reported.', since: 1 } };
    const { emulator, conversation } = await opened(blocked);
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

  it('keeps what the stream said of typing over a thread load made before it', async () => {
    const { emulator, conversation } = await opened({ items: [], typing: true });
    emulator.stream('onOpen');
    emulator.stream('typing', { on: false });
    await emulator.answer({ items: [], typing: true });
    expect(conversation.snapshot().typing).toBe(false);
    // A message from the page ends the typing too.
    emulator.stream('typing', { on: true });
    emulator.stream('onOpen');
    emulator.stream('item', sent);
    await emulator.answer({ items: [], typing: true });
    expect(conversation.snapshot().typing).toBe(false);
    conversation.close();
  });

  it("keeps a message's status and edits the stream brought over a thread load made before them", async () => {
    const { emulator, conversation } = await opened({ items: [sent] });
    emulator.stream('onOpen');
    emulator.stream('status', { id: 'm1', status: 'read' });
    await emulator.answer({ items: [sent] });
    expect(conversation.snapshot().items).toMatchObject([{ id: 'm1', status: 'read' }]);
    const edited = { ...sent, status: 'read', message: { text: 'Hello' } };
    emulator.stream('onOpen');
    emulator.stream('item', edited);
    await emulator.answer({ items: [{ ...sent, status: 'read' }] });
    expect(conversation.snapshot().items).toEqual([edited]);
    conversation.close();
  });

  it('keeps a status the stream told, during the reload after a reconnect, of a message sent while it was down', async () => {
    const { emulator, conversation } = await opened({ items: [] });
    // m1 was sent while the stream was down; it reconnects, and m1 is read before the reload is answered.
    emulator.stream('onOpen');
    emulator.stream('status', { id: 'm1', status: 'read' });
    await emulator.answer({ items: [{ ...sent, status: 'delivered' }] });
    expect(conversation.snapshot().items).toEqual([{ ...sent, status: 'read' }]);
    // An item the stream brings after the status is newer than both.
    const edited = { ...sent, id: 'm2', timestamp: 2, message: { text: 'Hello' }, status: 'read' };
    emulator.stream('onOpen');
    emulator.stream('status', { id: 'm2', status: 'delivered' });
    emulator.stream('item', edited);
    await emulator.answer({
      items: [
        { ...sent, status: 'read' },
        { ...edited, status: 'sent' },
      ],
    });
    expect(conversation.snapshot().items).toEqual([{ ...sent, status: 'read' }, edited]);
    conversation.close();
  });

  it('keeps the profile the stream brought over a profile load made before it', async () => {
    const { emulator, conversation } = await opened({ items: [] }, { greeting: 'Old' });
    emulator.stream('onOpen');
    emulator.stream('profile', { greeting: 'New' });
    await emulator.answerProfile({ greeting: 'Old' });
    expect(conversation.snapshot().profile).toEqual({ greeting: 'New' });
    conversation.close();
  });

  it("drops an earlier load's answer that comes after a later one's", async () => {
    const emulator = scriptedEmulator();
    const conversation = openOn(emulator);
    // The stream connects while the first loads are under way; the loads it starts are answered first.
    emulator.stream('onOpen');
    await emulator.answer({ items: [sent], typing: true }, 1);
    await emulator.answerProfile({ greeting: 'New' }, 1);
    await emulator.answer({ items: [], typing: false });
    await emulator.answerProfile({ greeting: 'Old' });
    expect(conversation.snapshot()).toMatchObject({ items: [sent], typing: true, profile: { greeting: 'New' } });
    conversation.close();
  });
});
