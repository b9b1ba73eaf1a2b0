import { describe, expect, it } from 'vitest';
import { assistantInputOf, inboundPreview } from './assistant-input.ts';
import type { InboundEvent } from './inbound-event.ts';

const message = (fields: Record<string, unknown>) =>
  ({
    kind: 'message',
    page_id: 'p',
    user_id: 'u',
    key: 'm_1',
    mid: 'm_1',
    timestamp: 1,
    standby: false,
    attachments: [],
    ...fields,
  }) as InboundEvent;

describe("the assistant's input of a message", () => {
  const preview = { type: 'fallback', url: 'https://shop.example/orders/123456', title: 'Order 123456' };

  it('is the text of a typed link, whose preview Messenger adds as a fallback attachment', () => {
    const text = 'here it is https://shop.example/orders/123456';
    expect(assistantInputOf(message({ text, attachments: [preview] }))).toEqual({ kind: 'text', text });
  });

  it('is the attachments of a message that has some beside its text, or a shared link alone', () => {
    const image = { type: 'image', url: 'https://cdn.example/p.jpg' };
    expect(assistantInputOf(message({ text: 'look', attachments: [preview, image] }))).toEqual({
      kind: 'attachment',
      attachments: [{ type: 'image', url: 'https://cdn.example/p.jpg' }],
      text: 'look',
    });
    expect(assistantInputOf(message({ attachments: [preview] }))).toEqual({
      kind: 'attachment',
      attachments: [{ type: 'fallback', url: preview.url }],
    });
  });
});

describe('the inbox preview of a message', () => {
  it('is its text, or the names of what it holds, shared posts and reels by their kind', () => {
    expect(inboundPreview(message({ text: 'hi', attachments: [{ type: 'image' }] }))).toBe('hi');
    const attachments = [
      { type: 'image' },
      { type: 'fallback' },
      { type: 'other', channel_type: 'ig_post' },
      { type: 'other', channel_type: 'reel' },
      { type: 'other' },
    ];
    expect(inboundPreview(message({ attachments }))).toBe(
      '[image, shared link, shared ig post, shared reel, attachment]',
    );
  });

  it('says for a referral where the person came from, and the ref it carried', () => {
    const referral = (fields: Record<string, unknown>) =>
      ({ ...message({}), kind: 'referral', referral: { type: 'OPEN_THREAD', ...fields } }) as InboundEvent;
    expect(inboundPreview(referral({ ref: 'p42', source: 'CUSTOMER_CHAT_PLUGIN' }))).toBe(
      'Came from the chat plugin (ref p42)',
    );
    expect(inboundPreview(referral({ source: 'ADS', ad_id: '42' }))).toBe('Came from an ad');
    expect(inboundPreview(referral({ ref: 'x', source: 'MESSENGER_CODE' }))).toBe('Came from a link (ref x)');
  });
});
