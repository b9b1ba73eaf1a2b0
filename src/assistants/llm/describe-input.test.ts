import { describe, expect, it } from 'vitest';
import { describeInput } from './describe-input.ts';

describe('describeInput', () => {
  it('gives typed text as it is', () => {
    expect(describeInput({ kind: 'text', text: 'where is my order?' })).toBe('where is my order?');
  });

  it('describes a tapped choice by its label and value', () => {
    expect(describeInput({ kind: 'choice', value: 'order_status', text: 'Order status' })).toBe(
      '[The person tapped "Order status" (value: order_status)]',
    );
    expect(describeInput({ kind: 'choice', value: 'HELP' })).toBe('[The person tapped "HELP"]');
  });

  it('describes the opening of a conversation, with its referral', () => {
    expect(describeInput({ kind: 'welcome' })).toBe('[The person opened the conversation]');
    expect(describeInput({ kind: 'welcome', referral: 'summer-sale' })).toBe(
      '[The person opened the conversation from the link "summer-sale"]',
    );
  });

  it('describes attachments by kind and number, without their URLs, followed by any text', () => {
    const described = describeInput({
      kind: 'attachment',
      attachments: [
        { type: 'image', url: 'https://cdn.example.com/a.jpg?sig=secret' },
        { type: 'image', url: 'https://cdn.example.com/b.jpg' },
        { type: 'file' },
        { type: 'audio' },
      ],
      text: 'see these',
    });
    expect(described).toBe('[The person sent 2 images, a file and a voice message]\nsee these');
    expect(described).not.toContain('https://');
  });

  it('describes a sticker alone', () => {
    expect(describeInput({ kind: 'attachment', attachments: [{ type: 'sticker' }] })).toBe(
      '[The person sent a sticker]',
    );
  });
});
