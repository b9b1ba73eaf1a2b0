import { describe, expect, it } from 'vitest';
import { describeContent, quoteOf, safeUrl } from './web/content.js';

const incoming = (content: object, text: string | null = null) => ({ text, content: { kind: 'message', ...content } });

describe('what a message shows', () => {
  it('keeps only http(s) links', () => {
    expect(safeUrl('https://cdn.example.com/a.png')).toBe('https://cdn.example.com/a.png');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('data:image/png;base64,AAAA')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
  });

  it('shows a person’s text and attachments: pictures inline, other media as links, a location with coordinates', () => {
    const parts = describeContent(
      incoming({
        text: 'Look',
        attachments: [
          { type: 'image', url: 'https://cdn.example.com/mug.jpg' },
          { type: 'video', url: 'https://cdn.example.com/clip.mp4' },
          { type: 'audio', url: 'https://cdn.example.com/voice.mp4' },
          { type: 'file', url: 'https://cdn.example.com/invoice.pdf', title: 'invoice.pdf' },
          { type: 'location', title: 'Home', coordinates: { lat: 48.85, long: 2.35 } },
          { type: 'sticker', url: 'https://cdn.example.com/like.png', sticker_id: '369239263222822' },
        ],
      }),
    );
    expect(parts).toEqual([
      { kind: 'text', text: 'Look' },
      { kind: 'image', url: 'https://cdn.example.com/mug.jpg', alt: 'Picture' },
      { kind: 'media', media: 'video', url: 'https://cdn.example.com/clip.mp4', label: 'clip.mp4' },
      { kind: 'media', media: 'audio', url: 'https://cdn.example.com/voice.mp4', label: 'voice.mp4' },
      { kind: 'media', media: 'file', url: 'https://cdn.example.com/invoice.pdf', label: 'invoice.pdf' },
      {
        kind: 'location',
        label: 'Home',
        lat: 48.85,
        long: 2.35,
        url: 'https://www.openstreetmap.org/?mlat=48.85&mlon=2.35#map=16/48.85/2.35',
      },
      { kind: 'sticker', url: 'https://cdn.example.com/like.png', alt: 'Sticker' },
    ]);
  });

  it('names a link without a title by its file name, else by its kind', () => {
    expect(
      describeContent(incoming({ attachments: [{ type: 'video', url: 'https://cdn.example.com/v/?id=7' }] })),
    ).toEqual([{ kind: 'media', media: 'video', url: 'https://cdn.example.com/v/?id=7', label: 'Video' }]);
  });

  it('never links an attachment whose address is not http(s)', () => {
    const parts = describeContent(incoming({ attachments: [{ type: 'file', url: 'javascript:alert(1)' }] }));
    expect(parts).toEqual([{ kind: 'note', text: 'File (no link)' }]);
  });

  it('names shared kinds it does not show, and tapped buttons', () => {
    expect(describeContent(incoming({ attachments: [{ type: 'other', channel_type: 'ig_reel' }] }))).toEqual([
      { kind: 'note', text: 'Shared ig reel (no link)' },
    ]);
    expect(describeContent({ text: 'Order status', content: { kind: 'postback', title: 'Order status' } })).toEqual([
      { kind: 'note', text: 'Tapped “Order status”' },
    ]);
    const getStarted = { kind: 'postback', title: 'Get Started', payload: 'GET_STARTED' };
    expect(
      describeContent({ content: { ...getStarted, referral: { source: 'ADS', type: 'OPEN_THREAD', ref: 'spring' } } }),
    ).toEqual([{ kind: 'note', text: 'Tapped “Get Started”, from an ad (ref spring)' }]);
    expect(
      describeContent({ content: { ...getStarted, referral: { source: 'SHORTLINK', type: 'OPEN_THREAD' } } }),
    ).toEqual([{ kind: 'note', text: 'Tapped “Get Started”, from an m.me link' }]);
    // A source no table names, even one named like an object's own properties, is a link.
    for (const source of ['DISCOVER_TAB', 'constructor', 'toString'])
      expect(describeContent({ content: { ...getStarted, referral: { source, type: 'OPEN_THREAD' } } })).toEqual([
        { kind: 'note', text: 'Tapped “Get Started”, from a link' },
      ]);
  });

  it('shows what the gateway sent: text with quick replies, cards with buttons, button templates, media', () => {
    expect(
      describeContent({
        content: {
          text: 'What can I do?',
          quick_replies: [{ content_type: 'text', title: 'Order status', payload: 'x' }],
        },
      }),
    ).toEqual([
      { kind: 'text', text: 'What can I do?' },
      { kind: 'quick-replies', options: ['Order status'] },
    ]);
    const card = {
      attachment: {
        type: 'template',
        payload: {
          template_type: 'generic',
          elements: [
            {
              title: 'Blue mug',
              subtitle: '€12',
              image_url: 'https://cdn.example.com/blue.png',
              buttons: [
                { type: 'postback', title: 'Buy', payload: 'BUY' },
                { type: 'web_url', title: 'Details', url: 'https://example.com/blue' },
              ],
            },
          ],
        },
      },
    };
    expect(describeContent({ content: card })).toEqual([
      {
        kind: 'card',
        title: 'Blue mug',
        subtitle: '€12',
        imageUrl: 'https://cdn.example.com/blue.png',
        url: undefined,
        buttons: [{ label: 'Buy' }, { label: 'Details', url: 'https://example.com/blue' }],
      },
    ]);
    const buttons = {
      attachment: { type: 'template', payload: { template_type: 'button', text: 'Pick', buttons: [{ title: 'A' }] } },
    };
    expect(describeContent({ content: buttons })).toEqual([
      { kind: 'buttons', text: 'Pick', buttons: [{ label: 'A' }] },
    ]);
    expect(
      describeContent({ content: { attachment: { type: 'image', payload: { url: 'https://x.test/a.png' } } } }),
    ).toEqual([{ kind: 'image', url: 'https://x.test/a.png', alt: 'Picture' }]);
  });

  it('falls back to the stored text, never to nothing', () => {
    expect(describeContent({ text: '[reaction]', content: { kind: 'reaction' } })).toEqual([
      { kind: 'note', text: '[reaction]' },
    ]);
    expect(describeContent({ text: null, content: {} })).toEqual([{ kind: 'note', text: 'Message without text' }]);
  });

  it('quotes the message a reply answers by its text, or by what it holds', () => {
    const replyTo = (message: { text?: string | null; content: unknown } | null) => ({
      reply_to: { message },
    });
    expect(quoteOf(replyTo({ text: 'Which size?', content: { text: 'Which size?' } }))).toBe('Which size?');
    expect(quoteOf(replyTo(incoming({ attachments: [{ type: 'image', url: 'https://x.test/a.png' }] })))).toBe(
      'Picture',
    );
    expect(
      quoteOf(
        replyTo(incoming({ attachments: [{ type: 'file', url: 'https://x.test/f/menu.pdf', title: 'menu.pdf' }] })),
      ),
    ).toBe('File: menu.pdf');
    const card = { type: 'template', payload: { template_type: 'generic', elements: [{ title: 'Speckled mug' }] } };
    expect(quoteOf(replyTo({ content: { attachment: card } }))).toBe('Speckled mug');
    // Not stored here: the reply says so instead of quoting.
    expect(quoteOf(replyTo(null))).toBeUndefined();
  });
});
