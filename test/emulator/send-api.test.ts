import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_SECRET, type Harness, PAGE_ID, PAGE_TOKEN, PSID, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await h.client.sendText(PAGE_ID, PSID, 'hello');
});
afterEach(() => h.close());

const button = (title = 'Go') => ({ type: 'postback', title, payload: 'GO' });
const buttonTemplate = (text: string, buttons: unknown[]) => ({
  attachment: { type: 'template', payload: { template_type: 'button', text, buttons } },
});
const generic = (elements: unknown[]) => ({
  attachment: { type: 'template', payload: { template_type: 'generic', elements } },
});

function expectError(result: Awaited<ReturnType<Harness['graph']>>, code: number, subcode?: number) {
  expect(result.status, JSON.stringify(result.body)).toBe(code === 1 || code === 2 ? 500 : 400);
  expect(result.body.error?.code).toBe(code);
  if (subcode !== undefined) expect(result.body.error?.error_subcode).toBe(subcode);
  expect(result.body.error?.type).toBeTypeOf('string');
  expect(result.body.error?.fbtrace_id).toBeTypeOf('string');
}

describe('Send API', () => {
  it('accepts a text and answers recipient_id and an m_ message id', async () => {
    const result = await h.send({ text: 'Hi Lena' });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ recipient_id: PSID, message_id: expect.stringMatching(/^m_[\w-]+$/) });
    const [item] = await h.client.waitForPageMessages(PAGE_ID, PSID, 1);
    expect(item?.message).toEqual({ text: 'Hi Lena' });
  });

  it('accepts /{page-id}/messages, form bodies, Bearer tokens and an unversioned path', async () => {
    expect(
      (
        await h.graph('POST', `/${PAGE_ID}/messages`, {
          body: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'a' } },
        })
      ).status,
    ).toBe(200);
    const form = {
      recipient: JSON.stringify({ id: PSID }),
      messaging_type: 'UPDATE',
      message: JSON.stringify({ text: 'b' }),
    };
    expect((await h.graph('POST', '/me/messages', { form })).status).toBe(200);
    const bearer = await h.graph('POST', '/me/messages', {
      token: null,
      headers: { authorization: `Bearer ${PAGE_TOKEN}` },
      body: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'c' } },
    });
    expect(bearer.status).toBe(200);
    const unversioned = await fetch(`${h.url}/me/messages?access_token=${PAGE_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'd' } }),
    });
    expect(unversioned.status).toBe(200);
    const items = await h.client.waitForPageMessages(PAGE_ID, PSID, 4);
    expect(items.map((item) => item.message?.text)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rejects a recipient given two ways and an unknown notification_type with 100', async () => {
    expectError(await h.send({ text: 'Hi' }, { recipient: { id: PSID, user_ref: 'guest-1' } }), 100);
    expectError(await h.send({ text: 'Hi' }, { notification_type: 'LOUD' }), 100);
    expect((await h.send({ text: 'Hi' }, { notification_type: 'SILENT_PUSH' })).status).toBe(200);
  });

  it('rejects text over 2000 characters with 100, and accepts exactly 2000', async () => {
    expectError(await h.send({ text: 'x'.repeat(2001) }), 100);
    expect((await h.send({ text: 'é'.repeat(2000) })).status).toBe(200);
  });

  it('rejects more than 13 quick replies', async () => {
    const replies = Array.from({ length: 14 }, (_, i) => ({ content_type: 'text', title: `Q${i}`, payload: `P${i}` }));
    expectError(await h.send({ text: 'pick', quick_replies: replies }), 100);
    expect((await h.send({ text: 'pick', quick_replies: replies.slice(0, 13) })).status).toBe(200);
  });

  it('requires a title on text quick replies, even with an image; only the payload may then be empty', async () => {
    const image_url = 'https://example.com/red.png';
    const reply = (fields: Record<string, unknown>) => h.send({ text: 'pick', quick_replies: [fields] });
    expectError(await reply({ content_type: 'text', payload: 'RED' }), 100);
    expectError(await reply({ content_type: 'text', title: '', payload: 'RED', image_url }), 100);
    expectError(await reply({ content_type: 'text', payload: '', image_url }), 100);
    expect((await reply({ content_type: 'text', title: 'Red', payload: '', image_url })).status).toBe(200);
  });

  it('truncates quick reply titles over 20 characters, as Facebook does', async () => {
    const result = await h.send({
      text: 'pick',
      quick_replies: [{ content_type: 'text', title: 'A very long quick reply title', payload: 'P' }],
    });
    expect(result.status).toBe(200);
    const [item] = await h.client.waitForPageMessages(PAGE_ID, PSID, 1);
    expect((item!.message!.quick_replies as { title: string }[])[0]?.title).toBe('A very long quick re');
  });

  it('rejects long quick reply titles when rejectLongQuickReplyTitles is set', async () => {
    const strict = await startHarness({ rejectLongQuickReplyTitles: true });
    try {
      await strict.client.sendText(PAGE_ID, PSID, 'hello');
      expectError(
        await strict.send({
          text: 'pick',
          quick_replies: [{ content_type: 'text', title: 'x'.repeat(21), payload: 'P' }],
        }),
        100,
      );
    } finally {
      await strict.close();
    }
  });

  it('checks button templates: text up to 640, one to three buttons, button titles up to 20', async () => {
    expectError(await h.send(buttonTemplate('x'.repeat(641), [button()])), 100);
    expectError(await h.send(buttonTemplate('ok', [])), 100);
    expectError(await h.send(buttonTemplate('ok', [button(), button(), button(), button()])), 100);
    expectError(await h.send(buttonTemplate('ok', [button('x'.repeat(21))])), 100);
    expect((await h.send(buttonTemplate('x'.repeat(640), [button(), button(), button('x'.repeat(20))]))).status).toBe(
      200,
    );
  });

  it('checks generic templates: at most 10 elements, titles and subtitles up to 80', async () => {
    const element = { title: 'Mug', subtitle: 'Blue', buttons: [button()] };
    expectError(await h.send(generic(Array.from({ length: 11 }, () => element))), 100);
    expectError(await h.send(generic([{ ...element, title: 'x'.repeat(81) }])), 100);
    expectError(await h.send(generic([{ ...element, subtitle: 'x'.repeat(81) }])), 100);
    expectError(await h.send(generic([{ title: 'Mug', buttons: [button(), button(), button(), button()] }])), 100);
    expect((await h.send(generic(Array.from({ length: 10 }, () => element)))).status).toBe(200);
  });

  it('rejects a message and a sender_action together with 100/2018034', async () => {
    expectError(await h.send({ text: 'hi' }, { sender_action: 'typing_on' }), 100, 2018034);
  });

  it('rejects an empty message, an unknown message field and a missing messaging_type with 100', async () => {
    expectError(await h.send({}), 100, 2018034);
    expectError(await h.send({ text: 'hi', quick_reply: [] }), 100);
    expectError(
      await h.graph('POST', '/me/messages', { body: { recipient: { id: PSID }, message: { text: 'hi' } } }),
      100,
    );
    expectError(await h.send({ text: 'hi' }, { messaging_type: 'MESSAGE_TAG' }), 100);
  });

  it('answers a body that is not JSON with 1/1357046, a malformed parameter and other edges with 100', async () => {
    const post = async (edge: string) => {
      const response = await fetch(`${h.url}/v25.0/me/${edge}?access_token=${PAGE_TOKEN}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"recipient":',
      });
      return { status: response.status, error: (await response.json()).error };
    };
    expect(await post('messages')).toMatchObject({ status: 400, error: { code: 1, error_subcode: 1357046 } });
    const profile = await post('messenger_profile');
    expect(profile).toMatchObject({ status: 400, error: { code: 100 } });
    expect(profile.error.error_subcode).toBeUndefined();
    expectError(
      await h.graph('POST', '/me/messages', {
        form: { recipient: '{nope', message: '{"text":"x"}', messaging_type: 'RESPONSE' },
      }),
      100,
    );
  });

  it('rejects an unknown recipient with 100/2018001', async () => {
    expectError(
      await h.graph('POST', '/me/messages', {
        body: { recipient: { id: '999' }, messaging_type: 'RESPONSE', message: { text: 'hi' } },
      }),
      100,
      2018001,
    );
  });

  it('rejects messages outside the 24-hour window with 10/2018278, measured on the emulator clock', async () => {
    await h.client.advanceClock(24 * 3600_000 - 60_000);
    expect((await h.send({ text: 'still inside' })).status).toBe(200);
    await h.client.advanceClock(120_000);
    expectError(await h.send({ text: 'too late' }), 10, 2018278);
    expect(
      (await h.send({ text: 'shipped' }, { messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' })).status,
    ).toBe(200);
    await h.client.sendText(PAGE_ID, PSID, 'back again');
    expect((await h.send({ text: 'window reopened' })).status).toBe(200);
  });

  it('allows HUMAN_AGENT for 7 days and then rejects it with 10/2018278', async () => {
    const human = { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
    await h.client.advanceClock(6 * 24 * 3600_000);
    expect((await h.send({ text: 'agent here' }, human)).status).toBe(200);
    await h.client.advanceClock(2 * 24 * 3600_000);
    expectError(await h.send({ text: 'agent too late' }, human), 10, 2018278);
  });

  it('rejects a person who has never written (no window) with 10/2018278', async () => {
    const person = await h.client.createPerson({ first_name: 'Sam' });
    const result = await h.graph('POST', '/me/messages', {
      body: { recipient: { id: person.psids[PAGE_ID] }, messaging_type: 'RESPONSE', message: { text: 'hi' } },
    });
    expectError(result, 10, 2018278);
  });

  it('rejects sends to a person who blocked the page with 551/1545041', async () => {
    await h.client.block(PAGE_ID, PSID, true);
    expectError(await h.send({ text: 'hi' }), 551, 1545041);
    await h.client.block(PAGE_ID, PSID, false);
    expect((await h.send({ text: 'hi' })).status).toBe(200);
  });

  it('checks tokens: missing and unknown → 190, expired → 190/463, another page → 100/33', async () => {
    expectError(await h.graph('POST', '/me/messages', { token: null, body: {} }), 190);
    expectError(await h.graph('POST', '/me/messages', { token: 'EAAnope', body: {} }), 190);
    const other = await h.client.createPage({ name: 'Other', app_id: '1517776481860111' });
    const wrongPage = await h.graph('POST', `/${other.id}/messages`, {
      body: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'x' } },
    });
    expectError(wrongPage, 100, 33);
    await h.client.setFaults({ expire_token: PAGE_ID });
    expectError(await h.send({ text: 'x' }), 190, 463);
  });

  it('checks appsecret_proof when one is given', async () => {
    const { createHmac } = await import('node:crypto');
    const proof = createHmac('sha256', APP_SECRET).update(PAGE_TOKEN).digest('hex');
    const body = { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'x' } };
    expect((await h.graph('POST', `/me/messages?appsecret_proof=${proof}`, { body })).status).toBe(200);
    expectError(await h.graph('POST', '/me/messages?appsecret_proof=00ff', { body }), 100);
  });

  it('answers sender actions with recipient_id only and shows typing in the conversation', async () => {
    const result = await h.graph('POST', '/me/messages', {
      body: { recipient: { id: PSID }, sender_action: 'typing_on' },
    });
    expect(result.body).toEqual({ recipient_id: PSID });
    expect((await h.client.conversation(PAGE_ID, PSID)).typing).toBe(true);
    await h.send({ text: 'done typing' });
    expect((await h.client.conversation(PAGE_ID, PSID)).typing).toBe(false);
    await h.graph('POST', '/me/messages', { body: { recipient: { id: PSID }, sender_action: 'mark_seen' } });
    const person = (await h.client.conversation(PAGE_ID, PSID)).items.find((item) => item.from === 'person');
    expect(person?.status).toBe('read');
  });

  it('returns an attachment_id for reusable URL attachments and accepts it later', async () => {
    const image = { attachment: { type: 'image', payload: { url: 'https://example.com/cat.png', is_reusable: true } } };
    const first = await h.send(image);
    expect(first.body.attachment_id).toMatch(/^\d+$/);
    const again = await h.send({ attachment: { type: 'image', payload: { attachment_id: first.body.attachment_id } } });
    expect(again.status).toBe(200);
    const items = await h.client.waitForPageMessages(PAGE_ID, PSID, 2);
    expect((items[1]!.message!.attachment as { payload: { url: string } }).payload.url).toBe(
      'https://example.com/cat.png',
    );
    expectError(await h.send({ attachment: { type: 'image', payload: { attachment_id: '12345' } } }), 100);
  });

  it('expires attachment ids after 90 days', async () => {
    const upload = await h.graph('POST', '/me/message_attachments', {
      body: {
        message: { attachment: { type: 'image', payload: { url: 'https://example.com/a.png', is_reusable: true } } },
      },
    });
    expect(upload.body.attachment_id).toMatch(/^\d+$/);
    await h.client.advanceClock(91 * 24 * 3600_000);
    await h.client.sendText(PAGE_ID, PSID, 'hi again');
    expectError(
      await h.send({ attachment: { type: 'image', payload: { attachment_id: upload.body.attachment_id } } }),
      100,
    );
  });

  it('uploads attachments by multipart and sends files with filedata', async () => {
    const form = new FormData();
    form.append('message', JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: true } } }));
    form.append('filedata', new Blob([Buffer.from('PNGDATA')], { type: 'image/png' }), 'pic.png');
    const upload = await fetch(`${h.url}/v25.0/${PAGE_ID}/message_attachments?access_token=${PAGE_TOKEN}`, {
      method: 'POST',
      body: form,
    });
    const { attachment_id } = (await upload.json()) as { attachment_id: string };
    expect(attachment_id).toMatch(/^\d+$/);

    const send = new FormData();
    send.append('recipient', JSON.stringify({ id: PSID }));
    send.append('messaging_type', 'RESPONSE');
    send.append('message', JSON.stringify({ attachment: { type: 'file', payload: {} } }));
    send.append('filedata', new Blob([Buffer.from('hello file')], { type: 'text/plain' }), 'notes.txt');
    const sent = await fetch(`${h.url}/v25.0/me/messages?access_token=${PAGE_TOKEN}`, { method: 'POST', body: send });
    expect(sent.status).toBe(200);
    const [item] = await h.client.waitForPageMessages(PAGE_ID, PSID, 1);
    const url = (item!.message!.attachment as { payload: { url: string } }).payload.url;
    expect(await (await fetch(url)).text()).toBe('hello file');

    const audio = new FormData();
    audio.append('message', JSON.stringify({ attachment: { type: 'audio', payload: { is_reusable: true } } }));
    audio.append('filedata', new Blob([Buffer.from('x')], { type: 'image/png' }), 'a.png');
    const rejected = await fetch(`${h.url}/v25.0/me/message_attachments?access_token=${PAGE_TOKEN}`, {
      method: 'POST',
      body: audio,
    });
    expect(rejected.status).toBe(400);
    // The Send API refuses it alike.
    const sendAudio = new FormData();
    sendAudio.append('recipient', JSON.stringify({ id: PSID }));
    sendAudio.append('messaging_type', 'RESPONSE');
    sendAudio.append('message', JSON.stringify({ attachment: { type: 'audio', payload: {} } }));
    sendAudio.append('filedata', new Blob([Buffer.from('x')], { type: 'image/png' }), 'a.png');
    const refused = await fetch(`${h.url}/v25.0/me/messages?access_token=${PAGE_TOKEN}`, {
      method: 'POST',
      body: sendAudio,
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 100, error_subcode: 2018047 } });
  });
});
