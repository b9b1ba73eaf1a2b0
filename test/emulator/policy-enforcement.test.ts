import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { openConversationStream } from './support/conversation-stream.ts';
import { APP_SECRET, type Harness, PAGE_ID, PSID, startHarness } from './support/harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

let h: Harness;
let other: WebhookReceiver | undefined;
afterEach(async () => {
  await h.close();
  await other?.close();
  other = undefined;
});

const REASON = 'The Page sent spam.';
const META_SAMPLE_REASON =
  'The bot violated our Platform Policies (https://developers.facebook.com/devpolicy/#messengerplatform). Common violations include sending out excessive spammy messages or being non-functional.';

function expectBlocked(result: Awaited<ReturnType<Harness['graph']>>) {
  expect(result.status).toBe(400);
  expect(result.body.error).toEqual({
    message: '(#368) The action attempted has been deemed abusive or is otherwise disallowed',
    type: 'OAuthException',
    code: 368,
    fbtrace_id: expect.any(String),
  });
}

const policyEvents = (receiver: WebhookReceiver) =>
  receiver.received.flatMap((hook) => hook.body.entry).filter((entry) => JSON.stringify(entry).includes('policy'));

describe('Meta blocks or unblocks a page from messaging (messaging_policy_enforcement)', () => {
  it('sends a page-level event without sender, signed, with the action and reason; an unblock has no reason', async () => {
    h = await startHarness();
    expect(await h.client.enforcePolicy(PAGE_ID, { action: 'block', reason: REASON })).toEqual({
      ok: true,
      messaging_block: { reason: REASON, since: expect.any(Number) },
    });
    await h.client.enforcePolicy(PAGE_ID, { action: 'unblock' });
    const [block, unblock] = await h.receiver.waitFor(2);
    expect(block?.body).toEqual({
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: expect.any(Number),
          messaging: [
            {
              recipient: { id: PAGE_ID },
              timestamp: expect.any(Number),
              'policy-enforcement': { action: 'block', reason: REASON },
            },
          ],
        },
      ],
    });
    const signature = createHmac('sha256', APP_SECRET).update(block!.raw).digest('hex');
    expect(block?.headers['x-hub-signature-256']).toBe(`sha256=${signature}`);
    expect(unblock?.body.entry[0]?.messaging).toEqual([
      { recipient: { id: PAGE_ID }, timestamp: expect.any(Number), 'policy-enforcement': { action: 'unblock' } },
    ]);
  });

  it("gives Meta's sample reason when none is given, and a warning that blocks nothing", async () => {
    h = await startHarness();
    await h.client.sendText(PAGE_ID, PSID, 'hi');
    await h.client.enforcePolicy(PAGE_ID, { action: 'warning' });
    expect((await h.send({ text: 'still allowed' })).status).toBe(200);
    await h.client.enforcePolicy(PAGE_ID, { action: 'block' });
    await h.emulator.context.dispatcher.idle();
    expect(policyEvents(h.receiver).map((entry) => (entry.messaging as unknown[])[0])).toEqual([
      expect.objectContaining({ 'policy-enforcement': { action: 'warning', reason: META_SAMPLE_REASON } }),
      expect.objectContaining({ 'policy-enforcement': { action: 'block', reason: META_SAMPLE_REASON } }),
    ]);
  });

  it('uses the key policy_enforcement when policyEnforcementKey says so', async () => {
    h = await startHarness({ policyEnforcementKey: 'policy_enforcement' });
    await h.client.enforcePolicy(PAGE_ID, { action: 'block', reason: REASON });
    await h.receiver.waitFor(1);
    expect(h.receiver.eventAt(0)).toEqual({
      recipient: { id: PAGE_ID },
      timestamp: expect.any(Number),
      policy_enforcement: { action: 'block', reason: REASON },
    });
  });

  it('refuses every send of a blocked page with 368, sender actions too, until it is unblocked', async () => {
    h = await startHarness();
    await h.client.sendText(PAGE_ID, PSID, 'hi');
    await h.client.enforcePolicy(PAGE_ID, { action: 'block', reason: REASON });
    expectBlocked(await h.send({ text: 'hello' }));
    expectBlocked(await h.send({ text: 'tagged' }, { messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' }));
    for (const action of ['typing_on', 'typing_off', 'mark_seen']) {
      expectBlocked(
        await h.graph('POST', '/me/messages', { body: { recipient: { id: PSID }, sender_action: action } }),
      );
    }
    // Another person too: the page can message no one.
    const sam = await h.client.createPerson({ first_name: 'Sam' });
    await h.client.sendText(PAGE_ID, sam.psids[PAGE_ID] as string, 'hello?');
    expectBlocked(
      await h.graph('POST', `/${PAGE_ID}/messages`, {
        body: { recipient: { id: sam.psids[PAGE_ID] }, messaging_type: 'RESPONSE', message: { text: 'hi Sam' } },
      }),
    );
    const { items, typing } = await h.client.conversation(PAGE_ID, PSID);
    expect(items.filter((item) => item.from === 'page')).toEqual([]);
    expect(typing).toBe(false);

    await h.client.enforcePolicy(PAGE_ID, { action: 'unblock' });
    const sent = await h.send({ text: 'back again' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ recipient_id: PSID, message_id: expect.stringMatching(/^m_/) });
  });

  it('shows the block in /state and the conversation until the unblock', async () => {
    h = await startHarness();
    await h.client.enforcePolicy(PAGE_ID, { action: 'block', reason: REASON });
    const blocked = { reason: REASON, since: expect.any(Number) };
    expect((await h.client.state()).pages[0]?.messaging_block).toEqual(blocked);
    expect((await h.client.conversation(PAGE_ID, PSID)).page_messaging_block).toEqual(blocked);
    await h.client.enforcePolicy(PAGE_ID, { action: 'unblock' });
    expect((await h.client.state()).pages[0]?.messaging_block).toBeNull();
    expect((await h.client.conversation(PAGE_ID, PSID)).page_messaging_block).toBeNull();
  });

  it('streams the block and the unblock to open chat pages as page events; a warning changes nothing there', async () => {
    h = await startHarness();
    const stream = await openConversationStream(h.url, PAGE_ID, PSID);
    await h.client.enforcePolicy(PAGE_ID, { action: 'block', reason: REASON });
    await h.client.enforcePolicy(PAGE_ID, { action: 'warning', reason: 'careful' });
    await h.client.enforcePolicy(PAGE_ID, { action: 'unblock' });
    await stream.readUntil('"messaging_block":null');
    expect(stream.events()).toEqual([
      { event: 'page', data: { messaging_block: { reason: REASON, since: expect.any(Number) } } },
      { event: 'page', data: { messaging_block: null } },
    ]);
    stream.close();
  });

  it('tells every app subscribed to the page with messaging_policy_enforcement, and no other', async () => {
    other = await startWebhookReceiver();
    const quiet = await startWebhookReceiver();
    h = await startHarness();
    const apps = [
      await h.client.createApp({ name: 'CRM', webhook_url: other.url, verify_token: 'v' }),
      await h.client.createApp({ name: 'Quiet', webhook_url: quiet.url, verify_token: 'v' }),
    ];
    const page = h.emulator.state.pages.get(PAGE_ID)!;
    page.subscribed.set(apps[0]!.id, ['messages', 'messaging_policy_enforcement']);
    page.subscribed.set(apps[1]!.id, ['messages', 'standby']);
    await h.client.enforcePolicy(PAGE_ID, { action: 'block', reason: REASON });
    await h.emulator.context.dispatcher.idle();
    for (const receiver of [h.receiver, other]) {
      expect(receiver.events()).toEqual([
        {
          channel: 'messaging',
          event: expect.objectContaining({ 'policy-enforcement': { action: 'block', reason: REASON } }),
        },
      ]);
    }
    expect(quiet.received).toEqual([]);
    await quiet.close();
  });

  it('answers 404 for an unknown page, 409 for a block of a blocked page or an unblock of one that is not', async () => {
    h = await startHarness();
    await expect(h.client.enforcePolicy('999', { action: 'block' })).rejects.toMatchObject({
      status: 404,
      code: 'SB_EMULATOR_NOT_FOUND',
    });
    await expect(h.client.enforcePolicy(PAGE_ID, { action: 'unblock' })).rejects.toMatchObject({
      status: 409,
      code: 'SB_EMULATOR_CONFLICT',
      message: `page ${PAGE_ID} is not blocked from messaging`,
    });
    await h.client.enforcePolicy(PAGE_ID, { action: 'block' });
    await expect(h.client.enforcePolicy(PAGE_ID, { action: 'block', reason: REASON })).rejects.toMatchObject({
      status: 409,
      code: 'SB_EMULATOR_CONFLICT',
      message: `page ${PAGE_ID} is already blocked from messaging`,
    });
    // The refused calls sent nothing.
    await h.emulator.context.dispatcher.idle();
    expect(h.receiver.events()).toHaveLength(1);
  });

  it('refuses an unknown action, an unblock with a reason and unknown keys with 400', async () => {
    h = await startHarness();
    for (const body of [
      { action: 'suspend' },
      { action: 'unblock', reason: 'why' },
      { action: 'block', reason: '' },
      { action: 'block', until: 1 },
      {},
    ]) {
      const refused = await request(`${h.url}/_emulator/pages/${PAGE_ID}/policy-enforcement`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
      await refused.body.dump();
    }
  });

  it('forgets the block on reset', async () => {
    h = await startHarness();
    await h.client.enforcePolicy(PAGE_ID, { action: 'block' });
    await h.client.reset();
    expect((await h.client.state()).pages[0]?.messaging_block).toBeNull();
  });
});
