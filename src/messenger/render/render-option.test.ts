import { describe, expect, it } from 'vitest';
import type { Choice, GenericResponse, OptionResponse } from '../../assistants/responses.ts';
import type { OutgoingMessage, TemplatePayload } from '../send-types.ts';
import type { DroppedPiece } from './render-options.ts';
import { renderResponses } from './render-responses.ts';

function choices(count: number, labelLength = 6): Choice[] {
  return Array.from({ length: count }, (_, i) => ({
    label: `${i + 1} ${'abcdefghijklmnopqrstuvwxyz'.repeat(2)}`.slice(0, labelLength),
    value: `value_${i + 1}`,
  }));
}

function option(count: number, labelLength?: number, extra: Partial<OptionResponse> = {}): OptionResponse {
  return { type: 'option', title: 'What can I do for you?', options: choices(count, labelLength), ...extra };
}

function messages(responses: GenericResponse[], options = {}): OutgoingMessage[] {
  return renderResponses(responses, options).flatMap((step) => (step.kind === 'message' ? [step.message] : []));
}

function template(message: OutgoingMessage | undefined): TemplatePayload | undefined {
  return message?.attachment?.type === 'template' ? message.attachment.payload : undefined;
}

function buttonCounts(message: OutgoingMessage | undefined): number[] {
  const payload = template(message);
  return payload?.template_type === 'generic' ? payload.elements.map((e) => e.buttons?.length ?? 0) : [];
}

describe('option rendering by number of choices and label length', () => {
  it.each([
    { count: 1, labelLength: 6, form: 'quick replies' },
    { count: 3, labelLength: 6, form: 'quick replies' },
    { count: 4, labelLength: 6, form: 'quick replies' },
    { count: 13, labelLength: 6, form: 'quick replies' },
    { count: 3, labelLength: 20, form: 'quick replies' },
    { count: 13, labelLength: 20, form: 'quick replies' },
    { count: 1, labelLength: 21, form: 'button template' },
    { count: 3, labelLength: 21, form: 'button template' },
    { count: 4, labelLength: 21, form: 'carousel' },
    { count: 14, labelLength: 6, form: 'carousel' },
  ])('shows $count choice(s) with $labelLength-character labels as $form', ({ count, labelLength, form }) => {
    const [message, ...rest] = messages([option(count, labelLength)]);
    expect(rest).toEqual([]);
    const payload = template(message);
    if (form === 'quick replies') {
      expect(message?.text).toBe('What can I do for you?');
      expect(message?.quick_replies).toHaveLength(count);
    } else if (form === 'button template') {
      expect(payload).toMatchObject({ template_type: 'button', text: 'What can I do for you?' });
      expect(payload?.template_type === 'button' && payload.buttons).toHaveLength(count);
    } else {
      expect(payload?.template_type).toBe('generic');
      expect(buttonCounts(message).reduce((a, b) => a + b, 0)).toBe(count);
    }
  });

  it('sends just the title when no choice is left', () => {
    expect(messages([option(0)])).toEqual([{ text: 'What can I do for you?' }]);
  });

  it('puts each choice value whole in the quick reply payload', () => {
    const [message] = messages([option(2)]);
    expect(message?.quick_replies).toEqual([
      { content_type: 'text', title: '1 abcd', payload: 'value_1' },
      { content_type: 'text', title: '2 abcd', payload: 'value_2' },
    ]);
  });

  it('shortens long labels on buttons with an ellipsis, keeping the full value in the payload', () => {
    const long: OptionResponse = {
      type: 'option',
      title: 'Which one?',
      options: [
        { label: 'Cancel my subscription today', value: 'cancel_subscription' },
        { label: 'Keep it', value: 'x'.repeat(1000) },
      ],
    };
    const payload = template(messages([long])[0]);
    expect(payload).toEqual({
      template_type: 'button',
      text: 'Which one?',
      buttons: [
        { type: 'postback', title: 'Cancel my…', payload: 'cancel_subscription' },
        { type: 'postback', title: 'Keep it', payload: 'x'.repeat(1000) },
      ],
    });
  });

  it('groups choices in cards of 3 buttons, 10 cards per carousel', () => {
    const shown = messages([option(31)]);
    expect(shown.map(buttonCounts)).toEqual([[3, 3, 3, 3, 3, 3, 3, 3, 3, 3], [1]]);
    const payload = template(shown[0]);
    expect(payload?.template_type === 'generic' && payload.elements[0]?.title).toBe('What can I do for you?');
  });

  it('shows the description under the title', () => {
    const [message] = messages([option(2, 6, { description: 'Pick one below.' })]);
    expect(message?.text).toBe('What can I do for you?\nPick one below.');
  });

  it('puts the description in the subtitle of carousel cards', () => {
    const payload = template(messages([option(5, 21, { description: 'Pick one below.' })])[0]);
    expect(payload?.template_type === 'generic' && payload.elements[1]).toMatchObject({
      title: 'What can I do for you?',
      subtitle: 'Pick one below.',
    });
  });
});

describe('option text over the limits', () => {
  const longTitle = `${'This is a sentence of the question. '.repeat(70)}Which one?`;

  it('puts quick replies on the last piece of a title over 2000 characters', () => {
    const shown = messages([option(2, 6, { title: longTitle })]);
    expect(shown).toHaveLength(2);
    expect(shown[0]?.quick_replies).toBeUndefined();
    expect(shown[1]?.quick_replies).toHaveLength(2);
    for (const m of shown) expect(m.text?.length).toBeLessThanOrEqual(2000);
  });

  it('sends what does not fit the 640 characters of a button template before it', () => {
    const title = `${'A sentence. '.repeat(60)}Which one?`;
    const shown = messages([option(2, 25, { title })]);
    const payload = template(shown.at(-1));
    expect(payload?.template_type).toBe('button');
    const text = payload?.template_type === 'button' ? payload.text : '';
    expect(text.length).toBeLessThanOrEqual(640);
    expect([...shown.slice(0, -1).map((m) => m.text), text].join(' ')).toBe(title);
  });

  it('sends the whole title first when carousel cards must shorten it', () => {
    const title = `Please choose the department you would like to reach, from the list of all our departments.`;
    const shown = messages([option(5, 21, { title })]);
    expect(shown[0]).toEqual({ text: title });
    const payload = template(shown[1]);
    const cardTitle = payload?.template_type === 'generic' ? payload.elements[0]?.title : '';
    expect(cardTitle?.length).toBeLessThanOrEqual(80);
    expect(cardTitle?.endsWith('…')).toBe(true);
  });
});

describe('option placement and invalid choices', () => {
  it('moves an option placed first to the end, the rest keeping its order', () => {
    const shown = messages([
      option(2),
      { type: 'text', text: 'First.' },
      { type: 'image', url: 'https://example.com/a.png' },
      { type: 'text', text: 'Second.' },
    ]);
    expect(shown.map((m) => m.text ?? m.attachment?.type)).toEqual([
      'First.',
      'image',
      'Second.',
      'What can I do for you?',
    ]);
  });

  it('uses buttons for an option followed by another, whose quick replies would vanish', () => {
    const shown = messages([option(2, 6, { title: 'First?' }), option(2, 6, { title: 'Second?' })]);
    expect(template(shown[0])?.template_type).toBe('button');
    expect(shown[1]?.quick_replies).toHaveLength(2);
  });

  it('leaves out choices without a label or with an unusable value, and says why', () => {
    const dropped: DroppedPiece[] = [];
    const response = option(0, 6, {
      options: [
        { label: '  ', value: 'a' },
        { label: 'Empty', value: ' ' },
        { label: 'Huge', value: 'x'.repeat(1001) },
        { label: 'Fine', value: 'fine' },
      ],
    });
    const [message] = messages([response], { onDrop: (d: DroppedPiece) => dropped.push(d) });
    expect(message?.quick_replies).toEqual([{ content_type: 'text', title: 'Fine', payload: 'fine' }]);
    expect(dropped.map((d) => d.reason)).toEqual([
      'choice without a label',
      'choice "Empty" without a value',
      'choice "Huge": value over 1000 characters',
    ]);
    expect(dropped.every((d) => d.response === response)).toBe(true);
  });

  it('leaves out an option with neither title nor description', () => {
    const dropped: DroppedPiece[] = [];
    const shown = messages([option(2, 6, { title: ' ' })], { onDrop: (d: DroppedPiece) => dropped.push(d) });
    expect(shown).toEqual([]);
    expect(dropped).toHaveLength(1);
  });

  it('collapses line breaks in labels so they fit one line', () => {
    const [message] = messages([option(0, 6, { options: [{ label: 'Yes\nplease', value: 'yes' }] })]);
    expect(message?.quick_replies?.[0]?.title).toBe('Yes please');
  });
});
