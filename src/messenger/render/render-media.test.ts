import { describe, expect, it } from 'vitest';
import type { GenericResponse, MediaResponse } from '../../assistants/responses.ts';
import type { OutgoingMessage } from '../send-types.ts';
import type { DroppedPiece, RenderOptions } from './render-options.ts';
import { renderResponses } from './render-responses.ts';

const url = 'https://example.com/truck.png';

function messages(responses: GenericResponse[], options: RenderOptions = {}): OutgoingMessage[] {
  return renderResponses(responses, options).flatMap((step) => (step.kind === 'message' ? [step.message] : []));
}

function card(title: string, subtitle?: string): OutgoingMessage {
  const element = { title, ...(subtitle === undefined ? {} : { subtitle }), image_url: url };
  return { attachment: { type: 'template', payload: { template_type: 'generic', elements: [element] } } };
}

const attachment = (type: MediaResponse['type']): OutgoingMessage => ({
  attachment: { type, payload: { url, is_reusable: true } },
});

describe('media rendering', () => {
  it.each<{ name: string; media: MediaResponse; expected: OutgoingMessage[] }>([
    { name: 'an image without title', media: { type: 'image', url }, expected: [attachment('image')] },
    {
      name: 'an image with a title',
      media: { type: 'image', url, title: 'On its way' },
      expected: [card('On its way')],
    },
    {
      name: 'an image with a title and a description',
      media: { type: 'image', url, title: 'On its way', description: 'Arrives Tuesday' },
      expected: [card('On its way', 'Arrives Tuesday')],
    },
    {
      name: 'an image with only a description',
      media: { type: 'image', url, description: 'Arrives Tuesday' },
      expected: [card('Arrives Tuesday')],
    },
    {
      name: 'an image with a title of 80 characters',
      media: { type: 'image', url, title: 'x'.repeat(80) },
      expected: [card('x'.repeat(80))],
    },
    {
      name: 'an image with a title of 81 characters',
      media: { type: 'image', url, title: 'x'.repeat(81) },
      expected: [attachment('image'), { text: 'x'.repeat(81) }],
    },
    {
      name: 'an image with a blank title',
      media: { type: 'image', url, title: '  ' },
      expected: [attachment('image')],
    },
    { name: 'a video', media: { type: 'video', url }, expected: [attachment('video')] },
    { name: 'an audio', media: { type: 'audio', url }, expected: [attachment('audio')] },
    { name: 'a file', media: { type: 'file', url }, expected: [attachment('file')] },
    {
      name: 'a file with a title and description',
      media: { type: 'file', url, title: 'Invoice', description: 'March 2026' },
      expected: [attachment('file'), { text: 'Invoice\nMarch 2026' }],
    },
  ])('renders $name', ({ media, expected }) => {
    expect(messages([media])).toEqual(expected);
  });

  it.each(['', '   ', 'not a url', 'ftp://example.com/a.png', 'javascript:alert(1)'])(
    'leaves out media whose URL is %j, and says why',
    (bad) => {
      const dropped: DroppedPiece[] = [];
      expect(messages([{ type: 'image', url: bad }], { onDrop: (d) => dropped.push(d) })).toEqual([]);
      expect(dropped.map((d) => d.reason)).toEqual(['image without an http(s) URL']);
    },
  );

  it('trims spaces around a URL', () => {
    expect(messages([{ type: 'image', url: ` ${url}\n` }])).toEqual([attachment('image')]);
  });

  it('sends addresses as Graph fetches them: spaces and accents percent-encoded, once', () => {
    const sent = (media: GenericResponse) => JSON.stringify(messages([media]));
    expect(sent({ type: 'image', url: 'https://cdn.example.com/menu du jour.jpg' })).toContain(
      '"https://cdn.example.com/menu%20du%20jour.jpg"',
    );
    expect(sent({ type: 'video', url: 'https://cdn.example.com/crème brûlée.mp4' })).toContain(
      '"https://cdn.example.com/cr%C3%A8me%20br%C3%BBl%C3%A9e.mp4"',
    );
    expect(sent({ type: 'image', url: 'https://cdn.example.com/a%20b.jpg' })).toContain(
      '"https://cdn.example.com/a%20b.jpg"',
    );
    const card = sent({
      type: 'card',
      title: 'Menu',
      image_url: 'https://cdn.example.com/menu du jour.jpg',
      buttons: [{ label: 'Open', url: 'https://shop.example/menu du jour' }],
    });
    expect(card).toContain('"image_url":"https://cdn.example.com/menu%20du%20jour.jpg"');
    expect(card).toContain('"url":"https://shop.example/menu%20du%20jour"');
  });
});
