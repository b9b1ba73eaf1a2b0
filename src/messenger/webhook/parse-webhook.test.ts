import { describe, expect, it } from 'vitest';
import { webhookFixture } from '../../../test/fixtures/webhooks/index.ts';
import { guestPersonId, recipientOf } from '../person-address.ts';
import { parseWebhookBody } from './parse-webhook.ts';

const PAGE = '104857392018475';
const PERSON = '6021938475610234';
/** A body with one event of the person on the page: `event` holds what makes its kind. */
const bodyOf = (event: Record<string, unknown>) => ({
  object: 'page',
  entry: [
    {
      id: PAGE,
      time: 1767225600000,
      messaging: [{ sender: { id: PERSON }, recipient: { id: PAGE }, timestamp: 1767225600000, ...event }],
    },
  ],
});
const only = (name: string) => {
  const { events, rejected } = parseWebhookBody(webhookFixture(name));
  expect(rejected).toEqual([]);
  expect(events).toHaveLength(1);
  return events[0]!;
};

describe('webhook parsing', () => {
  it('normalises a text message with its page, person and key', () => {
    expect(only('text')).toMatchObject({
      kind: 'message',
      mid: 'm_text01',
      text: 'hi there',
      page_id: PAGE,
      user_id: PERSON,
      standby: false,
      key: 'm:m_text01',
    });
  });

  it('keeps the quick reply payload', () => {
    expect(only('quick-reply')).toMatchObject({ kind: 'message', text: 'Red', quick_reply_payload: 'COLOR_RED' });
  });

  it('normalises a postback with its referral', () => {
    expect(only('postback')).toMatchObject({
      kind: 'postback',
      payload: 'GET_STARTED',
      title: 'Get Started',
      referral: { ref: 'spring-campaign', source: 'SHORTLINK' },
    });
  });

  it('lists every attachment, with location coordinates and the replied-to message', () => {
    const event = only('attachments');
    expect(event).toMatchObject({ kind: 'message', reply_to_mid: 'm_text01' });
    expect(event.kind === 'message' && event.attachments.map((a) => a.type)).toEqual(['image', 'file', 'location']);
    expect(event.kind === 'message' && event.attachments[2]?.coordinates).toEqual({ lat: 48.85, long: 2.35 });
  });

  it('keeps video, audio, fallback and template attachments, and the channel’s name for kinds it does not show', () => {
    const event = only('attachments-more');
    const attachments = event.kind === 'message' ? event.attachments : [];
    expect(attachments.map((a) => [a.type, a.channel_type])).toEqual([
      ['video', undefined],
      ['audio', undefined],
      ['fallback', undefined],
      ['template', undefined],
      ['other', 'reel'],
      ['other', 'ig_post'],
    ]);
    expect(attachments[2]).toMatchObject({ title: 'A shared link', url: expect.stringContaining('l.facebook.com') });
    expect(attachments[4]).toMatchObject({ url: 'https://cdn.example-fbcdn.test/reel.mp4' });
  });

  it('reads the title of a shared post or reel from inside its payload, for the inbox', () => {
    const event = only('attachments-more');
    const attachments = event.kind === 'message' ? event.attachments : [];
    expect(attachments[5]).toMatchObject({ type: 'other', channel_type: 'ig_post', title: 'A post' });
  });

  it('reads stickers in both the legacy image form and the new sticker type', () => {
    for (const name of ['sticker-legacy', 'sticker']) {
      const event = only(name);
      expect(event.kind === 'message' && event.attachments[0]).toMatchObject({
        type: 'sticker',
        sticker_id: '369239263222822',
      });
    }
  });

  it('reads a sticker sent in both forms at once, as during the 2026 change, as one sticker', () => {
    type Body = { entry: { messaging: { message: { attachments: unknown[] } }[] }[] };
    const both = webhookFixture('sticker-legacy') as unknown as Body;
    const modern = webhookFixture('sticker') as unknown as Body;
    both.entry[0]?.messaging[0]?.message.attachments.push(
      ...(modern.entry[0]?.messaging[0]?.message.attachments ?? []),
    );
    const [event] = parseWebhookBody(both).events;
    expect(event?.kind === 'message' && event.attachments).toEqual([
      expect.objectContaining({ type: 'sticker', sticker_id: '369239263222822' }),
    ]);
  });

  it('turns an echo around: the person is the recipient', () => {
    expect(only('echo')).toMatchObject({
      kind: 'echo',
      user_id: PERSON,
      app_id: '1517776481860111',
      metadata: 'sb:out01',
    });
  });

  it('normalises delivery, read, referral, reaction, handover and optin events', () => {
    expect(only('delivery')).toMatchObject({
      kind: 'delivery',
      mids: ['m_Ec01'],
      watermark: 1767225800000,
      user_id: PERSON,
    });
    expect(only('read')).toMatchObject({ kind: 'read', watermark: 1767225800000 });
    expect(only('referral')).toMatchObject({ kind: 'referral', referral: { ref: 'promo42' } });
    expect(only('reaction')).toMatchObject({ kind: 'reaction', mid: 'm_Ec01', action: 'react', emoji: '\u2764\ufe0f' });
    expect(only('handover')).toMatchObject({ kind: 'handover', action: 'pass_thread_control' });
    expect(only('optin')).toMatchObject({ kind: 'optin' });
  });

  it('normalises a message edit, each edit its own event', () => {
    const edit = (num_edit: number) =>
      parseWebhookBody(bodyOf({ message_edit: { mid: 'm_Ed01', text: `now ${num_edit}`, num_edit } })).events[0];
    expect(edit(1)).toMatchObject({ kind: 'edit', mid: 'm_Ed01', text: 'now 1', num_edit: 1, user_id: PERSON });
    expect(edit(2)?.key).not.toBe(edit(1)?.key);
    expect(edit(1)?.key).toBe(edit(1)?.key);
    const { rejected } = parseWebhookBody(bodyOf({ message_edit: { text: 'no mid' } }));
    expect(rejected.map((r) => r.reason)).toEqual(['message_edit has no mid or no text']);
  });

  it("normalises Meta's block and unblock of the page, an event of the page with no person", () => {
    const enforcement = (event: Record<string, unknown>) => {
      const body = {
        object: 'page',
        entry: [{ id: PAGE, time: 1, messaging: [{ recipient: { id: PAGE }, timestamp: 1767225600000, ...event }] }],
      };
      return parseWebhookBody(body).events[0];
    };
    const reason = 'This page violated the Messenger Platform policies.';
    expect(enforcement({ 'policy-enforcement': { action: 'block', reason } })).toMatchObject({
      kind: 'policy_enforcement',
      action: 'block',
      reason,
      page_id: PAGE,
      user_id: undefined,
    });
    expect(enforcement({ policy_enforcement: { action: 'unblock' } })).toMatchObject({
      kind: 'policy_enforcement',
      action: 'unblock',
    });
    expect(enforcement({ policy_enforcement: { action: 'warning', reason } })).toMatchObject({ action: 'warning' });
    // An action it does not know is kept whole for inspection, never taken for a block.
    expect(enforcement({ 'policy-enforcement': { action: 'suspend' } })).toMatchObject({ kind: 'unknown' });
  });

  it('marks a chat-plugin guest (sender.user_ref) as a guest, one person id for all its events', () => {
    const { events, rejected } = parseWebhookBody(webhookFixture('chat-plugin-guest'));
    expect(rejected).toEqual([]);
    const guest = guestPersonId('ur_4kP9dQ2vXn7LmA');
    expect(events.map((e) => [e.kind, e.user_id])).toEqual([
      ['postback', guest],
      ['message', guest],
    ]);
    expect(recipientOf(guest)).toEqual({ user_ref: 'ur_4kP9dQ2vXn7LmA' });
    expect(events[0]).toMatchObject({ referral: { source: 'CUSTOMER_CHAT_PLUGIN', referer_uri: expect.any(String) } });
    expect(events[1]).toMatchObject({ text: 'Do you ship to Lyon?', key: 'm:m_Gm01' });
  });

  it('keeps a guest apart from a person whose PSID is the same string as its user_ref', () => {
    const event = (sender: object, mid: string) => ({
      sender,
      recipient: { id: PAGE },
      timestamp: 1,
      message: { mid },
    });
    const { events } = parseWebhookBody({
      object: 'page',
      entry: [{ id: PAGE, time: 1, messaging: [event({ id: PERSON }, 'm_a'), event({ user_ref: PERSON }, 'm_b')] }],
    });
    expect(events[0]?.user_id).toBe(PERSON);
    expect(events[1]?.user_id).toBe(guestPersonId(PERSON));
    expect(events[1]?.user_id).not.toBe(PERSON);
  });

  it('turns an echo to a guest around too: the guest is the recipient', () => {
    const { events } = parseWebhookBody({
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1,
          messaging: [
            {
              sender: { id: PAGE },
              recipient: { user_ref: 'ur_1' },
              timestamp: 1,
              message: { is_echo: true, mid: 'm_e', text: 'hello from the inbox' },
            },
          ],
        },
      ],
    });
    expect(events[0]).toMatchObject({ kind: 'echo', user_id: guestPersonId('ur_1') });
  });

  it('takes a message the page sent for an echo, whatever its is_echo says: answering it would talk to itself', () => {
    const fromPage = (message: Record<string, unknown>) =>
      parseWebhookBody({
        object: 'page',
        entry: [
          {
            id: PAGE,
            time: 1,
            messaging: [{ sender: { id: PAGE }, recipient: { id: PERSON }, timestamp: 1, message }],
          },
        ],
      }).events[0];
    expect(fromPage({ is_echo: 'true', mid: 'm_s', text: 'a string' })).toMatchObject({
      kind: 'echo',
      user_id: PERSON,
    });
    expect(fromPage({ mid: 'm_n', text: 'no flag' })).toMatchObject({ kind: 'echo', user_id: PERSON });
    // The person's own message is theirs, even with a stray flag of the wrong type.
    const fromPerson = bodyOf({ message: { is_echo: 'false', mid: 'm_p', text: 'hi' } });
    expect(parseWebhookBody(fromPerson).events[0]).toMatchObject({ kind: 'message', user_id: PERSON });
  });

  it('marks standby events so they are never answered, with a key apart from our own channel', () => {
    expect(only('standby')).toMatchObject({ kind: 'message', standby: true, key: 's:m:m_Sb01' });
  });

  it('reads every entry and every event of a batched body', () => {
    const { events } = parseWebhookBody(webhookFixture('batched-entries'));
    expect(events.map((e) => [e.page_id, e.user_id, e.kind === 'message' && e.text])).toEqual([
      [PAGE, '6021938475610001', 'first person'],
      [PAGE, '6021938475610002', 'second person'],
      ['209384756102938', '7788990011223344', 'other page'],
    ]);
  });

  it('reads the app ids of a handover as text, even sent as numbers', () => {
    const body = bodyOf({
      pass_thread_control: { previous_owner_app_id: 263902037430900, new_owner_app_id: 1517776481860111 },
    });
    expect(parseWebhookBody(body).events[0]).toMatchObject({
      kind: 'handover',
      detail: { previous_owner_app_id: '263902037430900', new_owner_app_id: '1517776481860111' },
    });
  });

  it('accepts numeric-string timestamps as the dashboard test samples send them', () => {
    expect(only('string-timestamps')).toMatchObject({ timestamp: 1767225600999 });
  });

  it('keeps unknown kinds as unknown events and rejects broken ones without losing the rest', () => {
    const body = {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1,
          messaging: [
            { sender: { id: PERSON }, recipient: { id: PAGE }, timestamp: 5, game_play: { score: 1 } },
            { sender: { id: PERSON }, recipient: { id: PAGE }, message: { mid: 'm_x' } },
            { sender: { id: PERSON }, recipient: { id: PAGE }, timestamp: 6, message: { text: 'no mid' } },
          ],
        },
      ],
    };
    const { events, rejected } = parseWebhookBody(body);
    expect(events).toMatchObject([{ kind: 'unknown', keys: ['game_play'], fields: { game_play: { score: 1 } } }]);
    expect(rejected.map((r) => r.reason)).toEqual(['event has no numeric timestamp', 'message has no mid']);
  });

  it('rejects bodies that are not page webhooks', () => {
    expect(parseWebhookBody({ object: 'instagram', entry: [] }).rejected[0]?.reason).toMatch(/not "page"/);
    expect(parseWebhookBody([1, 2]).rejected[0]?.reason).toMatch(/no entry array/);
    // Values String() cannot convert must not throw: the other entries of the body are still read.
    const odd = { toString: 0 };
    expect(parseWebhookBody({ object: odd, entry: [] }).rejected[0]?.reason).toMatch(/not "page"/);
    const body = {
      object: 'page',
      entry: [{ id: odd, messaging: [] }, (webhookFixture('text').entry as unknown[])[0]],
    };
    const parsed = parseWebhookBody(body);
    expect(parsed.events).toMatchObject([{ kind: 'message', mid: 'm_text01' }]);
    expect(parsed.rejected.map((r) => r.reason)).toEqual(['entry has no page id']);
  });

  it('keeps entries that hold no event it can read, rather than dropping them', () => {
    const { events, rejected } = parseWebhookBody({
      object: 'page',
      entry: [
        { id: PAGE, time: 1, messaging: { sender: { id: PERSON } } },
        { id: PAGE, time: 1, messages: [{ text: 'a field we do not know' }] },
      ],
    });
    expect(events).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual([
      'messaging is not an array',
      'entry holds no messaging, standby or changes event',
    ]);
  });

  it('keeps the referral fields it does not read, for the inbox', () => {
    const { events } = parseWebhookBody(
      bodyOf({
        referral: {
          source: 'ADS',
          type: 'OPEN_THREAD',
          ad_id: '6045246247433',
          ads_context_data: { ad_title: 'Spring sale', photo_url: 'https://example.com/ad.jpg' },
        },
      }),
    );
    expect(events[0]).toMatchObject({
      kind: 'referral',
      referral: { source: 'ADS', ad_id: '6045246247433', ads_context_data: { ad_title: 'Spring sale' } },
    });
  });
});
