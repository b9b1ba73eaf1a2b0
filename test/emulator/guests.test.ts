import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorClientError } from '../../src/emulator/index.ts';
import { type Harness, PAGE_ID, PSID, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const UNKNOWN_USER = { code: 100, error_subcode: 2018001 };
const sendTo = (recipient: Record<string, unknown>, body: Record<string, unknown> = {}) =>
  h.graph('POST', '/me/messages', {
    body: { recipient, messaging_type: 'RESPONSE', message: { text: 'Hello guest' }, ...body },
  });
const settled = () => h.emulator.context.dispatcher.idle();

describe('chat-plugin guests', () => {
  it('creates a guest on one page, with a user_ref that is no PSID, listed apart from people', async () => {
    const guest = await h.client.createGuest({ page_id: PAGE_ID });
    expect(guest).toEqual({ user_ref: expect.stringMatching(/\D/), page_id: PAGE_ID, name: 'Guest' });
    const named = await h.client.createGuest({ page_id: PAGE_ID, user_ref: 'ur_visitor-1', name: 'Website visitor' });
    expect(named).toEqual({ user_ref: 'ur_visitor-1', page_id: PAGE_ID, name: 'Website visitor' });
    const state = await h.client.state();
    expect(state.guests).toEqual([guest, named]);
    expect(state.people.map((person) => Object.keys(person.psids))).toEqual([[PAGE_ID]]);
  });

  it('refuses a guest on an unknown page, a taken user_ref and one of digits only (the form of a PSID)', async () => {
    await h.client.createGuest({ page_id: PAGE_ID, user_ref: 'ur_1' });
    const refused = (input: Parameters<Harness['client']['createGuest']>[0]) =>
      h.client.createGuest(input).then(
        () => undefined,
        (error: EmulatorClientError) => error.status,
      );
    expect(await refused({ page_id: '999' })).toBe(404);
    expect(await refused({ page_id: PAGE_ID, user_ref: 'ur_1' })).toBe(409);
    expect(await refused({ page_id: PAGE_ID, user_ref: '6021938475610234' })).toBe(400);
  });

  it('sends what a guest does with sender.user_ref instead of sender.id', async () => {
    const { user_ref } = await h.client.createGuest({ page_id: PAGE_ID });
    const { mid } = await h.client.sendText(PAGE_ID, user_ref, 'Do you ship to Lyon?');
    await h.client.sendPostback(PAGE_ID, user_ref, { title: 'Pricing', payload: 'PRICING' });
    await h.receiver.waitFor(2);
    expect(h.receiver.eventAt(0)).toEqual({
      sender: { user_ref },
      recipient: { id: PAGE_ID },
      timestamp: expect.any(Number),
      message: { mid, text: 'Do you ship to Lyon?' },
    });
    expect(h.receiver.eventAt(1)).toMatchObject({ sender: { user_ref }, postback: { payload: 'PRICING' } });
  });

  it('delivers a send addressed by recipient.user_ref: no echo, and an answer without recipient_id', async () => {
    const { user_ref } = await h.client.createGuest({ page_id: PAGE_ID });
    await h.client.sendText(PAGE_ID, user_ref, 'hi');
    await h.receiver.waitFor(1);
    const sent = await sendTo({ user_ref });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ message_id: expect.stringMatching(/^m_/) });
    const [item] = await h.client.waitForPageMessages(PAGE_ID, user_ref, 1);
    expect(item).toMatchObject({ id: sent.body.message_id, message: { text: 'Hello guest' } });
    await settled();
    const events = h.receiver.events().map((e) => e.event);
    expect(events.some((event) => (event.message as { is_echo?: boolean } | undefined)?.is_echo)).toBe(false);
    // The delivery receipt still comes, from the guest.
    expect(events.at(-1)).toMatchObject({ sender: { user_ref }, delivery: { mids: [sent.body.message_id] } });
  });

  it('answers a sender action to a guest without recipient_id', async () => {
    const { user_ref } = await h.client.createGuest({ page_id: PAGE_ID });
    await h.client.sendText(PAGE_ID, user_ref, 'hi');
    const typing = await h.graph('POST', '/me/messages', {
      body: { recipient: { user_ref }, sender_action: 'typing_on' },
    });
    expect(typing.status).toBe(200);
    expect(typing.body).toEqual({});
    expect((await h.client.conversation(PAGE_ID, user_ref)).typing).toBe(true);
  });

  it('refuses an unknown user_ref, a PSID given as user_ref and a user_ref of another page with 100/2018001', async () => {
    const other = await h.client.createPage({ name: 'Other page' });
    const { user_ref } = await h.client.createGuest({ page_id: other.id });
    for (const recipient of [{ user_ref: 'ur_nobody' }, { user_ref: PSID }, { user_ref }]) {
      const refused = await sendTo(recipient);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject(UNKNOWN_USER);
    }
  });

  it('does not let a guest be addressed by recipient.id', async () => {
    const { user_ref } = await h.client.createGuest({ page_id: PAGE_ID });
    await h.client.sendText(PAGE_ID, user_ref, 'hi');
    const refused = await sendTo({ id: user_ref });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe(100);
    expect((await h.client.conversation(PAGE_ID, user_ref)).items.filter((i) => i.from === 'page')).toEqual([]);
  });

  it('holds a guest to the 24-hour window like anyone', async () => {
    const { user_ref } = await h.client.createGuest({ page_id: PAGE_ID });
    const refused = await sendTo({ user_ref });
    expect(refused.body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
  });

  it('has no profile for a guest', async () => {
    const { user_ref } = await h.client.createGuest({ page_id: PAGE_ID });
    const profile = await h.graph('GET', `/${user_ref}?fields=first_name`);
    expect(profile.status).toBe(400);
    expect(profile.body.error?.code).toBe(100);
  });

  it('passes a guest’s thread by recipient.user_ref, telling the new owner with sender.user_ref', async () => {
    const { user_ref } = await h.client.createGuest({ page_id: PAGE_ID });
    await h.client.sendText(PAGE_ID, user_ref, 'a person please');
    const passed = await h.graph('POST', '/me/pass_thread_control', {
      body: { recipient: { user_ref }, target_app_id: '263902037430900' },
    });
    expect(passed).toMatchObject({ status: 200, body: { success: true } });
    expect((await h.client.conversation(PAGE_ID, user_ref)).thread_owner_app_id).toBe('263902037430900');
    const unknown = await h.graph('POST', '/me/take_thread_control', { body: { recipient: { user_ref: 'ur_x' } } });
    expect(unknown.body.error).toMatchObject(UNKNOWN_USER);
  });

  it('forgets guests on reset, and still addresses people by PSID as before', async () => {
    await h.client.createGuest({ page_id: PAGE_ID, user_ref: 'ur_1' });
    await h.client.reset();
    expect((await h.client.state()).guests).toEqual([]);
    await h.client.sendText(PAGE_ID, PSID, 'hi');
    expect((await h.send({ text: 'hello' })).body).toEqual({ recipient_id: PSID, message_id: expect.any(String) });
  });
});
