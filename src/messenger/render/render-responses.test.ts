import { describe, expect, it } from 'vitest';
import type { GenericResponse } from '../../assistants/responses.ts';
import type { OutboundStep } from './outbound-step.ts';
import type { DroppedPiece } from './render-options.ts';
import { renderResponses } from './render-responses.ts';

const text = (t: string): OutboundStep => ({ kind: 'message', message: { text: t } });
const on: OutboundStep = { kind: 'typing', on: true };
const off: OutboundStep = { kind: 'typing', on: false };
const wait = (ms: number): OutboundStep => ({ kind: 'wait', ms });

describe('renderResponses for texts', () => {
  it('sends a text as one message', () => {
    expect(renderResponses([{ type: 'text', text: 'Hi Lena.' }])).toEqual([text('Hi Lena.')]);
  });

  it.each([
    { length: 2000, messages: 1 },
    { length: 2001, messages: 2 },
  ])('sends a text of $length characters as $messages message(s)', ({ length, messages }) => {
    const steps = renderResponses([{ type: 'text', text: 'x'.repeat(length) }]);
    expect(steps).toHaveLength(messages);
  });

  it('splits a long text for readability when the page asks for it', () => {
    const long = 'This sentence is exactly forty chars ok. '.repeat(10).trim();
    expect(renderResponses([{ type: 'text', text: long }], { readableLength: 320 })).toHaveLength(2);
    expect(renderResponses([{ type: 'text', text: long }], { readableLength: 0 })).toHaveLength(1);
  });

  it('leaves out an empty text and says why', () => {
    const dropped: DroppedPiece[] = [];
    const steps = renderResponses(
      [
        { type: 'text', text: '  ' },
        { type: 'text', text: 'Kept.' },
      ],
      { onDrop: (d) => dropped.push(d) },
    );
    expect(steps).toEqual([text('Kept.')]);
    expect(dropped).toEqual([{ response: { type: 'text', text: '  ' }, reason: 'empty text' }]);
  });

  it('renders nothing for no responses', () => {
    expect(renderResponses([])).toEqual([]);
  });
});

describe('renderResponses for pauses and hand-over', () => {
  it.each<{ name: string; responses: GenericResponse[]; steps: OutboundStep[] }>([
    {
      name: 'a pause with typing in the middle',
      responses: [
        { type: 'text', text: 'One.' },
        { type: 'pause', ms: 1500, typing: true },
        { type: 'text', text: 'Two.' },
      ],
      steps: [text('One.'), on, wait(1500), text('Two.')],
    },
    {
      name: 'a pause without typing in the middle',
      responses: [
        { type: 'text', text: 'One.' },
        { type: 'pause', ms: 1500, typing: false },
        { type: 'text', text: 'Two.' },
      ],
      steps: [text('One.'), wait(1500), text('Two.')],
    },
    {
      name: 'a pause with typing at the end',
      responses: [
        { type: 'text', text: 'One.' },
        { type: 'pause', ms: 1000, typing: true },
      ],
      steps: [text('One.'), on, wait(1000), off],
    },
    {
      name: 'a pause at the start',
      responses: [
        { type: 'pause', ms: 2000, typing: true },
        { type: 'text', text: 'One.' },
      ],
      steps: [on, wait(2000), text('One.')],
    },
    {
      name: 'a pause of 40 s with typing, renewed every 15 s',
      responses: [
        { type: 'pause', ms: 40_000, typing: true },
        { type: 'text', text: 'One.' },
      ],
      steps: [on, wait(15_000), on, wait(15_000), on, wait(10_000), text('One.')],
    },
    {
      name: 'two pauses with typing in a row, as one',
      responses: [
        { type: 'pause', ms: 1000, typing: true },
        { type: 'pause', ms: 500, typing: true },
        { type: 'text', text: 'One.' },
      ],
      steps: [on, wait(1500), text('One.')],
    },
    {
      name: 'a pause without typing after one with typing',
      responses: [
        { type: 'pause', ms: 1000, typing: true },
        { type: 'pause', ms: 500, typing: false },
        { type: 'text', text: 'One.' },
      ],
      steps: [on, wait(1000), off, wait(500), text('One.')],
    },
    {
      name: 'a pause before an option moved to the end',
      responses: [
        { type: 'option', title: 'Sure?', options: [{ label: 'Yes', value: 'yes' }] },
        { type: 'pause', ms: 1000, typing: true },
      ],
      steps: [
        on,
        wait(1000),
        {
          kind: 'message',
          message: { text: 'Sure?', quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'yes' }] },
        },
      ],
    },
    {
      name: 'a hand-over with a message',
      responses: [{ type: 'connect_to_agent', message: "I'm bringing in a colleague.", reason: 'asked' }],
      steps: [text("I'm bringing in a colleague.")],
    },
    { name: 'a hand-over without message', responses: [{ type: 'connect_to_agent' }], steps: [] },
  ])('renders $name', ({ responses, steps }) => {
    expect(renderResponses(responses)).toEqual(steps);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('leaves out a pause of %s ms', (ms) => {
    const dropped: string[] = [];
    const steps = renderResponses([{ type: 'pause', ms, typing: true }], { onDrop: (d) => dropped.push(d.reason) });
    expect(steps).toEqual([]);
    expect(dropped).toEqual(['pause without a positive duration']);
  });
});

describe('renderResponses with malformed input', () => {
  it('leaves out responses of an unknown type or with missing fields without throwing', () => {
    const garbage = [
      { type: 'sticker', id: 1 },
      { type: 'text' },
      { type: 'option', title: 'Pick' },
      { type: 'card' },
      { type: 'carousel' },
      { type: 'image' },
      { type: 'card', title: 'T', buttons: [{ label: 'No value' }] },
      { type: 'text', text: 'Still here.' },
    ] as unknown as GenericResponse[];
    const dropped: string[] = [];
    const steps = renderResponses(garbage, { onDrop: (d) => dropped.push(d.reason) });
    expect(steps.at(-2)).toEqual(text('Still here.'));
    expect(steps.at(-1)).toEqual(text('Pick'));
    expect(dropped).toContain('unknown response type');
  });
});
