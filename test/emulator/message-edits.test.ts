import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_SECRET, type Harness, PAGE_ID, PSID, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const MINUTE_MS = 60_000;

/** The `message_edit` events the app's webhook received, in order. */
function editsReceived(): unknown[] {
  return h.receiver
    .events()
    .map(({ event }) => event.message_edit)
    .filter((edit) => edit !== undefined);
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code?: string; message: string }> {
  const error = (await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { status: number; code?: string; message: string } | undefined;
  if (!error) throw new Error('expected the control API to refuse');
  return error;
}

describe('a person edits a message they sent (message_edits)', () => {
  it('sends message_edit, signed, in messaging, with num_edit counting up', async () => {
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'See you at 5');
    expect(await h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'See you at 6' })).toEqual({ mid });
    await h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'See you at 7' });
    const hooks = await h.receiver.waitFor(3);
    const [, first, second] = hooks;
    expect(first?.body).toEqual({
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: expect.any(Number),
          messaging: [
            {
              sender: { id: PSID },
              recipient: { id: PAGE_ID },
              timestamp: expect.any(Number),
              message_edit: { mid, text: 'See you at 6', num_edit: 1 },
            },
          ],
        },
      ],
    });
    const signature = createHmac('sha256', APP_SECRET).update(first!.raw).digest('hex');
    expect(first?.headers['x-hub-signature-256']).toBe(`sha256=${signature}`);
    expect(second?.body.entry[0]?.messaging).toEqual([
      expect.objectContaining({ message_edit: { mid, text: 'See you at 7', num_edit: 2 } }),
    ]);
  });

  it('shows the new text and the count on the message, and announces the change on the stream', async () => {
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'Helo');
    const changed = new Promise<unknown>((resolve) =>
      h.emulator.state.bus.once('conversation', (event: { type: string; data: unknown }) => resolve(event)),
    );
    await h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'Hello' });
    expect(await changed).toMatchObject({
      type: 'item',
      data: { id: mid, message: { text: 'Hello' }, edit_count: 1 },
    });
    const { items } = await h.client.conversation(PAGE_ID, PSID);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: mid, from: 'person', message: { text: 'Hello' }, edit_count: 1 });
  });

  it('names a chat-plugin guest by user_ref in the edit event', async () => {
    const guest = await h.client.createGuest({ page_id: PAGE_ID });
    const { mid } = await h.client.sendText(PAGE_ID, guest.user_ref, 'hi from the site');
    await h.client.edit(PAGE_ID, guest.user_ref, { mid: mid as string, text: 'hello from the site' });
    await h.receiver.waitFor(2);
    expect(h.receiver.eventAt(1)).toMatchObject({
      sender: { user_ref: guest.user_ref },
      message_edit: { mid, text: 'hello from the site', num_edit: 1 },
    });
  });

  it('answers 404 for a message the conversation does not have', async () => {
    const error = await refusal(h.client.edit(PAGE_ID, PSID, { mid: 'm_not_here', text: 'x' }));
    expect(error).toMatchObject({ status: 404, code: 'SB_EMULATOR_NOT_FOUND' });
    expect(error.message).toContain('no message m_not_here in this conversation');
  });

  it("refuses with 409 the page's messages, postbacks, stickers, attachments and quick replies", async () => {
    const quick = await h.client.sendQuickReply(PAGE_ID, PSID, { title: 'Red', payload: 'RED' });
    const page = await h.send({ text: 'from the page' });
    const postback = await h.client.sendPostback(PAGE_ID, PSID, { title: 'Buy', payload: 'BUY' });
    const sticker = await h.client.sendSticker(PAGE_ID, PSID, '369239263222822');
    const photo = await h.client.sendAttachments(PAGE_ID, PSID, [{ type: 'image', url: 'https://example.com/a.jpg' }]);
    const cases: [string | undefined, string][] = [
      [page.body.message_id as string, "it is the page's"],
      [postback.mid, 'only a text message can be edited'],
      [sticker.mid, 'only a text message can be edited'],
      [photo.mid, 'only a text message can be edited'],
      [quick.mid, 'a quick reply cannot be edited'],
    ];
    for (const [mid, reason] of cases) {
      const error = await refusal(h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'changed' }));
      expect(error, reason).toMatchObject({ status: 409, code: 'SB_EMULATOR_CONFLICT' });
      expect(error.message).toContain(reason);
    }
    await h.emulator.context.dispatcher.idle();
    expect(editsReceived()).toEqual([]);
  });

  it('allows edits for 15 minutes after sending, on the emulator clock, then refuses them with 409', async () => {
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'On my way');
    // The emulator's clock also runs at real speed between advances: 5 s short of 15 minutes, then 5 s past them.
    await h.client.advanceClock(15 * MINUTE_MS - 5_000);
    await h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'On my way!' });
    await h.client.advanceClock(10_000);
    const error = await refusal(h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'Almost there' }));
    expect(error).toMatchObject({ status: 409, code: 'SB_EMULATOR_CONFLICT' });
    expect(error.message).toContain('more than 15 minutes ago');
    const { items } = await h.client.conversation(PAGE_ID, PSID);
    expect(items[0]).toMatchObject({ message: { text: 'On my way!' }, edit_count: 1 });
  });

  it('allows five edits of a message and refuses the sixth with 409', async () => {
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'v0');
    for (let n = 1; n <= 5; n++) await h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: `v${n}` });
    const error = await refusal(h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'v6' }));
    expect(error).toMatchObject({ status: 409, code: 'SB_EMULATOR_CONFLICT' });
    expect(error.message).toContain('already edited 5 times');
    await h.receiver.waitFor(6);
    await h.emulator.context.dispatcher.idle();
    expect(editsReceived()).toEqual([1, 2, 3, 4, 5].map((n) => ({ mid, text: `v${n}`, num_edit: n })));
  });

  it('refuses with 409 an edit that leaves the text as it is, publishes nothing and counts no edit', async () => {
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'See you at 5');
    const error = await refusal(h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'See you at 5' }));
    expect(error).toMatchObject({ status: 409, code: 'SB_EMULATOR_CONFLICT' });
    expect(error.message).toContain('the text is unchanged');
    expect((await h.client.conversation(PAGE_ID, PSID)).items[0]).not.toHaveProperty('edit_count');
    await h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'See you at 6' });
    await h.receiver.waitFor(2);
    await h.emulator.context.dispatcher.idle();
    expect(editsReceived()).toEqual([{ mid, text: 'See you at 6', num_edit: 1 }]);
  });

  it('gives the person’s typed texts editable_until and edits_left, which move with the 409 as the clock and edits do', async () => {
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'On my way');
    const before = await h.client.conversation(PAGE_ID, PSID);
    const sent = before.items[0];
    expect(sent).toMatchObject({ id: mid, editable_until: (sent?.timestamp ?? 0) + 15 * MINUTE_MS, edits_left: 5 });
    expect(before.window.now).toBeLessThanOrEqual(sent?.editable_until ?? 0);

    const streamed = new Promise<unknown>((resolve) =>
      h.emulator.state.bus.once('conversation', (event: { type: string; data: unknown }) => resolve(event)),
    );
    await h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'On my way!' });
    expect(await streamed).toMatchObject({
      type: 'item',
      data: { id: mid, editable_until: sent?.editable_until, edits_left: 4 },
    });
    // 5 s short of the 15 minutes the page still offers Edit, and the emulator takes it; 5 s past them, neither.
    await h.client.advanceClock(15 * MINUTE_MS - 5_000);
    const inTime = await h.client.conversation(PAGE_ID, PSID);
    expect(inTime.window.now).toBeLessThanOrEqual(inTime.items[0]?.editable_until ?? 0);
    await h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'On my way!!' });
    expect((await h.client.conversation(PAGE_ID, PSID)).items[0]).toMatchObject({ edits_left: 3 });
    await h.client.advanceClock(10_000);
    const late = await h.client.conversation(PAGE_ID, PSID);
    expect(late.window.now).toBeGreaterThan(late.items[0]?.editable_until ?? Number.POSITIVE_INFINITY);
    expect(await refusal(h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'Here' }))).toMatchObject({
      status: 409,
    });
  });

  it('counts edits_left down to 0 with the five edits, where the emulator refuses the sixth', async () => {
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'v0');
    const left = async () => (await h.client.conversation(PAGE_ID, PSID)).items[0]?.edits_left;
    const counts = [await left()];
    for (let n = 1; n <= 5; n++) {
      await h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: `v${n}` });
      counts.push(await left());
    }
    expect(counts).toEqual([5, 4, 3, 2, 1, 0]);
    expect(await refusal(h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'v6' }))).toMatchObject({
      status: 409,
    });
  });

  it('gives no edit limits to what cannot be edited: the page’s messages, postbacks, stickers, files, quick replies', async () => {
    await h.client.sendQuickReply(PAGE_ID, PSID, { title: 'Red', payload: 'RED' });
    await h.send({ text: 'from the page' });
    await h.client.sendPostback(PAGE_ID, PSID, { title: 'Buy', payload: 'BUY' });
    await h.client.sendSticker(PAGE_ID, PSID, '369239263222822');
    await h.client.sendAttachments(PAGE_ID, PSID, [{ type: 'image', url: 'https://example.com/a.jpg' }]);
    const { items } = await h.client.conversation(PAGE_ID, PSID);
    expect(items).toHaveLength(5);
    for (const item of items) {
      expect(item, JSON.stringify(item)).not.toHaveProperty('editable_until');
      expect(item, JSON.stringify(item)).not.toHaveProperty('edits_left');
    }
  });

  it('refuses an edit beside another kind, an empty text and unknown keys with 400', async () => {
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'first');
    for (const body of [
      { edit: { mid, text: 'x' }, text: 'y' },
      { edit: { mid, text: '' } },
      { edit: { mid } },
      { edit: { mid, text: 'x', num_edit: 3 } },
      { edit: { mid, text: 'x' }, reply_to: { mid } },
    ]) {
      const refused = await request(`${h.url}/_emulator/conversations/${PAGE_ID}/${PSID}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
      await refused.body.dump();
    }
  });

  it('leaves the 24-hour window as it was: an edit is no new message', async () => {
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'hi');
    const before = (await h.client.conversation(PAGE_ID, PSID)).window.open_until;
    await h.client.advanceClock(10 * MINUTE_MS);
    await h.client.edit(PAGE_ID, PSID, { mid: mid as string, text: 'hi there' });
    expect((await h.client.conversation(PAGE_ID, PSID)).window.open_until).toBe(before);
  });
});
