import { describe, expect, it } from 'vitest';
import type { Card, GenericResponse } from '../../assistants/responses.ts';
import type { GenericElement, OutgoingMessage } from '../send-types.ts';
import type { DroppedPiece } from './render-options.ts';
import { renderResponses } from './render-responses.ts';

function render(responses: GenericResponse[]): { shown: OutgoingMessage[]; dropped: string[] } {
  const dropped: string[] = [];
  const steps = renderResponses(responses, { onDrop: (d: DroppedPiece) => dropped.push(d.reason) });
  return { shown: steps.flatMap((s) => (s.kind === 'message' ? [s.message] : [])), dropped };
}

function elementsOf(message: OutgoingMessage | undefined): GenericElement[] {
  const payload = message?.attachment?.type === 'template' ? message.attachment.payload : undefined;
  return payload?.template_type === 'generic' ? payload.elements : [];
}

const mug: Card = {
  title: 'Blue mug',
  subtitle: '350 ml, ceramic',
  image_url: 'https://example.com/mug.jpg',
  buttons: [
    { label: 'Buy', value: 'BUY_MUG' },
    { label: 'Details', url: 'https://example.com/mug' },
  ],
};

describe('card rendering', () => {
  it('renders a card as a generic template with one element, postback and link buttons', () => {
    expect(render([{ type: 'card', ...mug }]).shown).toEqual([
      {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: [
              {
                title: 'Blue mug',
                subtitle: '350 ml, ceramic',
                image_url: 'https://example.com/mug.jpg',
                buttons: [
                  { type: 'postback', title: 'Buy', payload: 'BUY_MUG' },
                  { type: 'web_url', title: 'Details', url: 'https://example.com/mug' },
                ],
              },
            ],
          },
        },
      },
    ]);
  });

  it('sends a card with only a title as text: Messenger refuses an element without a second field', () => {
    const long = 'A very long card title that goes on and on, well past the eighty characters of a card title.';
    expect(
      render([
        { type: 'card', title: 'Hello' },
        { type: 'card', title: long },
      ]).shown,
    ).toEqual([{ text: 'Hello' }, { text: long }]);
  });

  it('sends a title alone over 2000 characters whole, split as a text response is', () => {
    const sentences = Array.from({ length: 120 }, (_, i) => `Sentence number ${i} of a card title.`).join(' ');
    const asCard = renderResponses([{ type: 'card', title: sentences }], { readableLength: 320 });
    const asText = renderResponses([{ type: 'text', text: sentences }], { readableLength: 320 });
    expect(asCard).toEqual(asText);
    const texts = asCard.flatMap((s) => (s.kind === 'message' && s.message.text ? [s.message.text] : []));
    expect(texts.length).toBeGreaterThan(10);
    expect(texts.join(' ')).toBe(sentences);
  });

  it('shortens a title and subtitle over 80 characters and labels over 20, after sending them whole as text', () => {
    const long = 'word '.repeat(30);
    const { shown } = render([{ type: 'card', title: long, subtitle: long, buttons: [{ label: long, value: 'v' }] }]);
    expect(shown[0]).toEqual({ text: `${long.trim()}\n${long.trim()}` });
    const [element] = elementsOf(shown[1]);
    expect(element?.title.length).toBeLessThanOrEqual(80);
    expect(element?.subtitle?.length).toBeLessThanOrEqual(80);
    expect(element?.title.endsWith('word…')).toBe(true);
    expect(element?.buttons?.[0]).toEqual({ type: 'postback', title: 'word word word word…', payload: 'v' });
  });

  it('shows the buttons of a card past 3 on more elements with its title, as options do', () => {
    const buttons = ['A', 'B', 'C', 'D'].map((label) => ({ label, value: label }));
    const { shown, dropped } = render([{ type: 'card', title: 'Pick', subtitle: 'One', buttons }]);
    expect(elementsOf(shown[0]).map((e) => [e.title, e.subtitle, e.buttons?.map((b) => b.title)])).toEqual([
      ['Pick', 'One', ['A', 'B', 'C']],
      ['Pick', undefined, ['D']],
    ]);
    expect(dropped).toEqual([]);
  });

  it('shows the first 3 buttons of each card of a carousel, and says so', () => {
    const buttons = ['A', 'B', 'C', 'D'].map((label) => ({ label, value: label }));
    const { shown, dropped } = render([{ type: 'carousel', cards: [{ title: 'Pick', buttons }] }]);
    expect(elementsOf(shown[0])[0]?.buttons?.map((b) => b.title)).toEqual(['A', 'B', 'C']);
    expect(dropped).toEqual(['card with 4 buttons: only the first 3 are shown']);
  });

  it('leaves out buttons with no label, no value or a bad URL', () => {
    const { shown, dropped } = render([
      {
        type: 'card',
        title: 'Pick',
        buttons: [
          { label: '', value: 'x' },
          { label: 'Empty', value: '' },
          { label: 'Bad link', url: 'example.com' },
          { label: 'Good', url: 'https://example.com' },
        ],
      },
    ]);
    expect(elementsOf(shown[0])[0]?.buttons).toEqual([{ type: 'web_url', title: 'Good', url: 'https://example.com/' }]);
    expect(dropped).toHaveLength(3);
  });

  it('uses the subtitle as title when the card has none', () => {
    const card = { type: 'card', title: '', subtitle: 'Only this', image_url: 'https://example.com/a.jpg' } as const;
    expect(elementsOf(render([card]).shown[0])).toEqual([
      { title: 'Only this', image_url: 'https://example.com/a.jpg' },
    ]);
  });

  it('leaves out a card with neither title nor subtitle', () => {
    const { shown, dropped } = render([{ type: 'card', title: ' ' }]);
    expect(shown).toEqual([]);
    expect(dropped).toEqual(['card without a title']);
  });

  it('shows a card whose image URL is unusable without the image', () => {
    const { shown, dropped } = render([{ type: 'card', title: 'Hi', subtitle: 'There', image_url: 'mug.jpg' }]);
    expect(elementsOf(shown[0])).toEqual([{ title: 'Hi', subtitle: 'There' }]);
    expect(dropped).toHaveLength(1);
  });
});

describe('carousel rendering', () => {
  const cards = (count: number): Card[] =>
    Array.from({ length: count }, (_, i) => ({ title: `Card ${i + 1}`, subtitle: 'In stock' }));

  it.each([
    { count: 1, templates: [1] },
    { count: 10, templates: [10] },
    { count: 11, templates: [10, 1] },
    { count: 25, templates: [10, 10, 5] },
  ])('shows $count cards as carousels of $templates elements', ({ count, templates }) => {
    const { shown } = render([{ type: 'carousel', cards: cards(count) }]);
    expect(shown.map((m) => elementsOf(m).length)).toEqual(templates);
    expect(shown.flatMap(elementsOf).map((e) => e.title)).toEqual(cards(count).map((c) => c.title));
  });

  it('leaves out cards that cannot be shown and an empty carousel', () => {
    const { shown, dropped } = render([
      { type: 'carousel', cards: [{ title: '' }, { title: 'Kept', subtitle: 'In stock' }] },
      { type: 'carousel', cards: [] },
    ]);
    expect(shown.flatMap(elementsOf)).toEqual([{ title: 'Kept', subtitle: 'In stock' }]);
    expect(dropped).toEqual(['card without a title', 'carousel without a card to show']);
  });

  it('sends the cards with nothing but a title as text before the carousel of the others', () => {
    const { shown } = render([
      { type: 'carousel', cards: [{ title: 'Bare' }, { title: 'Full', subtitle: 'In stock' }, { title: 'Also bare' }] },
    ]);
    expect(
      shown.map(
        (m) =>
          m.text ??
          elementsOf(m)
            .map((e) => e.title)
            .join(),
      ),
    ).toEqual(['Bare', 'Also bare', 'Full']);
  });
});
