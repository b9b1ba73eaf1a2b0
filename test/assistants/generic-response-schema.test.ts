import { describe, expect, it } from 'vitest';
import { checkGenericResponse, checkGenericResponses } from '../../src/assistants/generic-response-schema.ts';

describe('checkGenericResponse', () => {
  it.each([
    { type: 'text', text: 'Hello' },
    { type: 'image', url: 'https://example.com/a.png', title: 'A' },
    { type: 'file', url: 'http://example.com/a.pdf' },
    { type: 'option', title: 'Pick', options: [{ label: 'A', value: 'a' }] },
    {
      type: 'card',
      title: 'Shoe',
      image_url: 'https://example.com/shoe.png',
      buttons: [
        { label: 'Buy', value: 'buy' },
        { label: 'Site', url: 'https://example.com' },
      ],
    },
    { type: 'carousel', cards: [{ title: 'One' }, { title: 'Two', subtitle: 'second' }] },
    { type: 'pause', ms: 1500, typing: false },
    { type: 'connect_to_agent', message: 'A colleague is coming.', reason: 'refund' },
    { type: 'connect_to_agent' },
  ])('accepts a valid $type response as it is', (value) => {
    expect(checkGenericResponse(value)).toEqual({ ok: true, response: value });
  });

  it('shows typing during a pause unless told otherwise', () => {
    expect(checkGenericResponse({ type: 'pause', ms: 500 })).toEqual({
      ok: true,
      response: { type: 'pause', ms: 500, typing: true },
    });
  });

  it('strips fields it does not know', () => {
    expect(checkGenericResponse({ type: 'text', text: 'Hi', color: 'red' })).toEqual({
      ok: true,
      response: { type: 'text', text: 'Hi' },
    });
  });

  it.each([
    [{ type: 'text', text: '   ' }, 'text: text must not be blank'],
    [{ type: 'text' }, 'text: text'],
    [{ type: 'image', url: 'javascript:alert(1)' }, 'image: url must be an http(s) URL'],
    [{ type: 'option', title: 'Pick', options: [] }, 'option: options needs at least one option'],
    [{ type: 'card', title: 'Shoe', buttons: [{ label: 'Go' }] }, 'card: buttons.0 a button needs a label'],
    [{ type: 'carousel', cards: [] }, 'carousel: cards needs at least one card'],
    [{ type: 'pause', ms: 120_000 }, 'pause: ms'],
    [{ type: 'hologram' }, 'hologram: type must be one of text, image, video, audio, file, option, card'],
    ['just text', 'expected object'],
  ])('rejects %j with a reason naming the fault', (value, reason) => {
    const check = checkGenericResponse(value);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toContain(reason);
  });
});

describe('checkGenericResponses', () => {
  it('keeps the valid responses in order and lists the dropped ones by index', () => {
    const checked = checkGenericResponses([
      { type: 'text', text: 'one' },
      { type: 'video' },
      { type: 'text', text: 'two' },
    ]);
    expect(checked.responses).toEqual([
      { type: 'text', text: 'one' },
      { type: 'text', text: 'two' },
    ]);
    expect(checked.dropped).toEqual([{ index: 1, reason: expect.stringContaining('video: url') }]);
  });

  it('names an unknown type by its first 40 characters: the reason is logged and may be stored in a flag', () => {
    const [dropped] = checkGenericResponses([{ type: 'x'.repeat(100_000) }]).dropped;
    expect(dropped?.reason).toMatch(/^x{40}…: type must be one of text, /);
  });
});
