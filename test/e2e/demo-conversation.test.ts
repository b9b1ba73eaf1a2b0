import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreadItem } from '../../src/emulator/index.ts';
import type { OutgoingMessage } from '../../src/messenger/send-types.ts';
import { type Harness, PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';
import { sentBody } from '../support/sent-body.ts';

/** A scripted customer chats with the demo assistant through the emulator, as a person would in the chat page. */
describe('the demo assistant, end to end', () => {
  let h: Harness;
  let seen = 0;

  beforeAll(async () => {
    h = await startHarness({
      database: 'sqlite',
      assistant: { type: 'flow', path: 'assistants/shop-support.en.yaml' },
      settings: { delay_between_messages_ms: 0 },
    });
  });
  afterAll(async () => h?.close());

  /** The page's messages since the last call. */
  const newPageMessages = async (): Promise<ThreadItem[]> => {
    await h.settle();
    const items = (await h.fb.conversation(PAGE_ID, PSID)).items.filter((i) => i.from === 'page');
    const fresh = items.slice(seen);
    seen = items.length;
    return fresh;
  };
  const messageOf = (item: ThreadItem | undefined) => item?.message as OutgoingMessage | undefined;
  const texts = (items: ThreadItem[]) => items.map((i) => messageOf(i)?.text ?? messageOf(i)?.attachment?.type);

  it('greets the person by name on Get Started and offers quick replies', async () => {
    await h.fb.getStarted(PAGE_ID, PSID);
    const messages = await newPageMessages();
    expect(texts(messages)[0]).toBe("Hi Lena! 👋 I'm Maple, the Maple & Moss assistant.");
    const options = messageOf(messages.at(-1));
    expect(options?.text).toBe('What can I do for you today?');
    expect(options?.quick_replies?.map((q) => q.payload)).toEqual(['order_status', 'products', 'returns', 'human']);
  });

  it('asks for the order number after the quick reply, and asks again for a wrong one', async () => {
    await h.fb.sendQuickReply(PAGE_ID, PSID, { title: '📦 Order status', payload: 'order_status' });
    expect(texts(await newPageMessages())).toEqual([expect.stringMatching(/What's your order number\?/)]);
    await h.fb.sendText(PAGE_ID, PSID, 'it is 12');
    expect(texts(await newPageMessages())).toEqual([expect.stringMatching(/doesn't look like an order number/)]);
  });

  it('answers with the order, a card and the next options', async () => {
    await h.fb.sendText(PAGE_ID, PSID, 'sure, 204518');
    const messages = await newPageMessages();
    expect(texts(messages)).toEqual([
      'Thanks! Let me look up order 204518…',
      expect.stringMatching(/^Order 204518 has left our workshop/),
      'template',
      'Anything else?',
    ]);
    expect(messageOf(messages[2])?.attachment?.payload).toMatchObject({
      template_type: 'generic',
      elements: [{ title: 'On its way!' }],
    });
    const calls = (await h.fb.graphCalls({ path_contains: '/messages' })).map(sentBody);
    expect(calls.some((c) => c.sender_action === 'typing_on')).toBe(true);
  });

  it('understands a misspelt question', async () => {
    await h.fb.sendText(PAGE_ID, PSID, 'how much is shiping to france');
    expect(texts(await newPageMessages()).join(' ')).toMatch(/ship/i);
  });

  it('acknowledges a photo and offers a colleague', async () => {
    await h.fb.sendAttachments(PAGE_ID, PSID, [{ type: 'image', url: 'https://example.com/broken-mug.jpg' }]);
    const messages = await newPageMessages();
    expect(texts(messages)[0]).toMatch(/Thanks for sending this/);
    expect(messageOf(messages.at(-1))?.quick_replies?.map((q) => q.payload)).toContain('human');
  });

  it('flags the conversation after the assistant misses several times in a row', async () => {
    for (const text of ['blorp zing', 'qwxv plonk', 'zzkrr vlim']) await h.fb.sendText(PAGE_ID, PSID, text);
    await newPageMessages();
    const conversation = await h.switchboard.db
      .selectFrom('conversations')
      .select(['flagged', 'flag_reason'])
      .executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({ flagged: 1, flag_reason: expect.stringMatching(/^repeated_fallback/) });
  });

  it('hands over to a person and stops answering', async () => {
    await h.fb.sendText(PAGE_ID, PSID, 'can I talk to a real person');
    expect((await newPageMessages()).length).toBeGreaterThan(0);
    const conversation = await h.switchboard.db
      .selectFrom('conversations')
      .select(['routing', 'flagged'])
      .executeTakeFirstOrThrow();
    expect(conversation).toEqual({ routing: 'human', flagged: 1 });
    await h.fb.sendText(PAGE_ID, PSID, 'hello?');
    expect(await newPageMessages()).toEqual([]);
  });
});
