import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAGE_INBOX_APP_ID } from '../../src/emulator/index.ts';
import { type Harness, PAGE_ID, PSID, startHarness } from './support/harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const BOT = '1517776481860111';
const CRM = '1600000000000001';
const BOT_TOKEN = 'EAABOTTOKEN';
let h: Harness;
let crm: WebhookReceiver;
let crmToken: string;

beforeEach(async () => {
  crm = await startWebhookReceiver();
  h = await startHarness({
    seed: {
      apps: [
        { id: BOT, name: 'Bot', secret: 'bot-secret' },
        { id: CRM, name: 'CRM', secret: 'crm-secret' },
      ],
      pages: [{ id: PAGE_ID, name: 'Shop', app_id: BOT, access_token: BOT_TOKEN }],
      people: [{ first_name: 'Lena', psids: { [PAGE_ID]: PSID } }],
    },
  });
  await h.client.setWebhook(BOT, { url: h.receiver.url, verify_token: 'v' });
  await h.client.setWebhook(CRM, { url: crm.url, verify_token: 'v' });
  // The CRM app is connected to the page through Facebook Login and subscribes itself.
  const page = h.emulator.state.pages.get(PAGE_ID)!;
  const { pageTokenFor } = await import('../../src/emulator/oauth-tokens.ts');
  const { issueUserToken } = await import('../../src/emulator/oauth-tokens.ts');
  const user = issueUserToken(
    h.emulator.context,
    {
      app_id: CRM,
      account_id: '1',
      scopes: ['pages_messaging', 'pages_manage_metadata', 'pages_show_list'],
      page_ids: [PAGE_ID],
    },
    true,
  );
  h.emulator.state.accounts.set('1', { id: '1', name: 'Admin', pages: [{ page_id: PAGE_ID, tasks: ['MESSAGING'] }] });
  crmToken = pageTokenFor(h.emulator.context, user, page).token;
  const subscribed = await h.graph(
    'POST',
    '/me/subscribed_apps?subscribed_fields=messages,message_echoes,messaging_handovers,standby',
    { token: crmToken },
  );
  expect(subscribed.body).toEqual({ success: true });
  await h.client.sendText(PAGE_ID, PSID, 'hello');
});
afterEach(async () => {
  await h.close();
  await crm.close();
});

const send = (token: string, text: string) =>
  h.graph('POST', '/me/messages', {
    token,
    body: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text } },
  });
const handover = (token: string, edge: string, body: Record<string, unknown> = {}) =>
  h.graph('POST', `/me/${edge}`, { token, body: { recipient: { id: PSID }, ...body } });

describe('handover protocol', () => {
  it('gives the thread to the default app; other apps get standby copies and cannot send', async () => {
    await crm.waitFor(1);
    expect(crm.events()[0]).toMatchObject({ channel: 'standby', event: { message: { text: 'hello' } } });
    expect(h.receiver.events()[0]).toMatchObject({ channel: 'messaging', event: { message: { text: 'hello' } } });
    const owner = await h.graph('GET', `/me/thread_owner?recipient=${PSID}`, { token: crmToken });
    expect(owner.body).toEqual({ data: [{ thread_owner: { app_id: BOT } }] });
    expect((await send(crmToken, 'not mine')).body.error).toMatchObject({ code: 100, error_subcode: 2018234 });
  });

  it('passes the thread with pass_thread_control and moves messages to the new owner', async () => {
    expect(
      (await handover(BOT_TOKEN, 'pass_thread_control', { target_app_id: CRM, metadata: 'over to CRM' })).body,
    ).toEqual({ success: true });
    await crm.waitFor(2);
    expect(crm.events()[1]).toMatchObject({
      channel: 'messaging',
      event: { pass_thread_control: { previous_owner_app_id: BOT, new_owner_app_id: CRM, metadata: 'over to CRM' } },
    });
    expect((await send(BOT_TOKEN, 'bot')).body.error?.error_subcode).toBe(2018234);
    expect((await send(crmToken, 'crm')).status).toBe(200);
    await h.client.sendText(PAGE_ID, PSID, 'for the CRM');
    await h.emulator.context.dispatcher.idle();
    expect(
      crm
        .events()
        .some(
          ({ channel, event }) =>
            channel === 'messaging' && (event.message as { text?: string })?.text === 'for the CRM',
        ),
    ).toBe(true);
    expect(
      h.receiver
        .events()
        .some(
          ({ channel, event }) => channel === 'standby' && (event.message as { text?: string })?.text === 'for the CRM',
        ),
    ).toBe(true);
  });

  it('lets the default app take the thread back, telling the previous owner', async () => {
    await handover(BOT_TOKEN, 'pass_thread_control', { target_app_id: CRM });
    expect((await handover(BOT_TOKEN, 'take_thread_control', { metadata: 'mine again' })).body).toEqual({
      success: true,
    });
    await crm.waitFor(3);
    expect(crm.events()[2]?.event).toMatchObject({
      take_thread_control: { previous_owner_app_id: CRM, new_owner_app_id: BOT, metadata: 'mine again' },
    });
  });

  it('forwards request_thread_control to the owner, and release_thread_control returns it to the default app', async () => {
    expect((await handover(crmToken, 'request_thread_control', { metadata: 'may I?' })).body).toEqual({
      success: true,
    });
    await h.receiver.waitFor(2);
    expect(h.receiver.events()[1]?.event).toMatchObject({
      request_thread_control: { requested_owner_app_id: CRM, metadata: 'may I?' },
    });
    await handover(BOT_TOKEN, 'pass_thread_control', { target_app_id: CRM });
    expect((await handover(crmToken, 'release_thread_control')).body).toEqual({ success: true });
    expect((await h.client.conversation(PAGE_ID, PSID)).thread_owner_app_id).toBe(BOT);
  });

  it('hands the thread to the Page Inbox, where a human replies and can hand it back', async () => {
    await handover(BOT_TOKEN, 'pass_thread_control', { target_app_id: PAGE_INBOX_APP_ID });
    await h.client.sendText(PAGE_ID, PSID, 'I need a human');
    await h.client.pageInboxReply(PAGE_ID, PSID, 'Hi, Sam here');
    await h.emulator.context.dispatcher.idle();
    const botEvents = h.receiver.events().slice(1);
    expect(botEvents.every(({ channel }) => channel === 'standby')).toBe(true);
    expect(botEvents.map(({ event }) => event.message)).toContainEqual(
      expect.objectContaining({ is_echo: true, app_id: Number(PAGE_INBOX_APP_ID), text: 'Hi, Sam here' }),
    );
    expect((await send(BOT_TOKEN, 'bot')).body.error?.error_subcode).toBe(2018234);
    await h.client.setThreadOwner(PAGE_ID, PSID, BOT, 'done');
    await h.emulator.context.dispatcher.idle();
    expect(h.receiver.events().at(-1)?.event).toMatchObject({
      pass_thread_control: { previous_owner_app_id: PAGE_INBOX_APP_ID, new_owner_app_id: BOT, metadata: 'done' },
    });
    expect((await send(BOT_TOKEN, 'bot again')).status).toBe(200);
  });

  it('tells the owner when a human in the Page Inbox asks for the thread, which stays where it is until passed', async () => {
    expect((await h.client.requestThread(PAGE_ID, PSID, 'Sam would like to answer')).requested).toBe(true);
    await h.emulator.context.dispatcher.idle();
    expect(h.receiver.events().at(-1)?.event).toMatchObject({
      request_thread_control: { requested_owner_app_id: PAGE_INBOX_APP_ID, metadata: 'Sam would like to answer' },
    });
    expect((await h.client.conversation(PAGE_ID, PSID)).thread_owner_app_id).toBe(BOT);
    await handover(BOT_TOKEN, 'pass_thread_control', { target_app_id: PAGE_INBOX_APP_ID });
    await expect(h.client.requestThread(PAGE_ID, PSID)).rejects.toThrow(/owns the thread already/);
  });

  it('sends postbacks to non-owners on standby without their payload', async () => {
    await h.client.sendPostback(PAGE_ID, PSID, { title: 'Buy', payload: 'SECRET_PAYLOAD' });
    await crm.waitFor(2);
    const standby = crm.events()[1];
    expect(standby?.channel).toBe('standby');
    expect(standby?.event.postback).toEqual({ mid: expect.any(String), title: 'Buy' });
  });

  it('gives non-owners no standby copy of a reaction, an edit or a referral, which standby does not carry', async () => {
    await crm.waitFor(1);
    const [hello] = h.receiver.events();
    const mid = (hello?.event.message as { mid?: string } | undefined)?.mid ?? '';
    await h.client.react(PAGE_ID, PSID, { mid, reaction: 'love', emoji: '❤' });
    await h.client.edit(PAGE_ID, PSID, { mid, text: 'hello!' });
    await h.client.sendReferral(PAGE_ID, PSID, { ref: 'spring-sale' });
    await h.client.sendText(PAGE_ID, PSID, 'after them');
    await crm.waitFor(2);
    expect(crm.events().map(({ channel, event }) => [channel, Object.keys(event).at(-1)])).toEqual([
      ['standby', 'message'],
      ['standby', 'message'],
    ]);
    await h.emulator.context.dispatcher.idle();
    expect(h.receiver.events().find(({ event }) => 'message_edit' in event)?.channel).toBe('messaging');
  });

  it('stops the sends of every app of the page while Meta blocks it, the thread owner it was passed to too', async () => {
    await handover(BOT_TOKEN, 'pass_thread_control', { target_app_id: CRM });
    await h.client.enforcePolicy(PAGE_ID, { action: 'block', reason: 'The Page sent spam.' });
    for (const token of [crmToken, BOT_TOKEN]) {
      expect((await send(token, 'still here?')).body.error).toMatchObject({ code: 368 });
    }
    await h.client.enforcePolicy(PAGE_ID, { action: 'unblock' });
    expect((await send(crmToken, 'back again')).status).toBe(200);
  });
});
