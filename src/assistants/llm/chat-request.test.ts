import { describe, expect, it } from 'vitest';
import { makeTurn } from '../../../test/assistants/turn-fixture.ts';
import type { AssistantTurn, HistoryItem } from '../assistant.ts';
import { buildChatRequest, describeQuote, historyMessages, systemPrompt } from './chat-request.ts';

const item = (role: HistoryItem['role'], text: string): HistoryItem => ({ role, text, at: 0 });

describe('historyMessages', () => {
  it('keeps only the last maxHistory messages, oldest first', () => {
    const history = [item('contact', 'a'), item('assistant', 'b'), item('contact', 'c')];
    expect(historyMessages(history, 2)).toEqual([
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' },
    ]);
  });

  it('sends no history when maxHistory is 0', () => {
    expect(historyMessages([item('contact', 'a')], 0)).toEqual([]);
  });

  it('keeps a last contact message equal to the new input: the person said it twice', () => {
    const history = [item('assistant', 'One moment.'), item('contact', 'is anyone there?')];
    expect(historyMessages(history, 20)).toEqual([
      { role: 'assistant', content: 'One moment.' },
      { role: 'user', content: 'is anyone there?' },
    ]);
  });

  it('leaves out empty messages, such as attachments without text', () => {
    expect(historyMessages([item('contact', ''), item('agent', 'Hi')], 20)).toEqual([
      { role: 'assistant', content: 'Hi' },
    ]);
  });
});

describe('systemPrompt', () => {
  const turn = (first_name?: string, name?: string) =>
    ({ contact: { id: 'c', profile: { first_name } }, page: { id: 'p', name } }) as AssistantTurn;

  it('puts the instructions first, then the page name and the first name, quoted', () => {
    const prompt = systemPrompt(turn('Ada', 'Acme'), '  Be kind.  ');
    expect(prompt.startsWith('Be kind.\n')).toBe(true);
    expect(prompt).toContain('You answer messages sent to "Acme".');
    expect(prompt).toContain('The person\'s first name is "Ada".');
  });

  it('says nothing of a name it does not know', () => {
    const prompt = systemPrompt(turn(), 'Be kind.');
    expect(prompt).not.toContain('first name');
    expect(prompt).not.toContain('messages sent to');
  });
});

describe('buildChatRequest', () => {
  const options = { model: 'acme-chat-1', instructions: 'Be kind.', maxHistory: 20 };

  it('joins messages of one side in a row, so that the roles alternate as strict chat templates require', () => {
    const history = [
      item('contact', 'hi'),
      item('assistant', 'Hello!'),
      item('assistant', 'How can I help?'),
      item('agent', 'Ana here.'),
      item('contact', 'my order'),
    ];
    const turn = makeTurn({ history, input: { kind: 'text', text: 'is late' } });
    expect(buildChatRequest(turn, options).messages.slice(1)).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello!\n\nHow can I help?\n\nAna here.' },
      { role: 'user', content: 'my order\n\nis late' },
    ]);
  });

  it('asks for at most maxTokens tokens when set', () => {
    expect(buildChatRequest(makeTurn(), { ...options, maxTokens: 400 }).max_tokens).toBe(400);
  });

  it("leaves the token limit to the server's default otherwise", () => {
    expect(buildChatRequest(makeTurn(), options)).not.toHaveProperty('max_tokens');
  });
});

describe('describeQuote', () => {
  it('says which message a reply answers, whose it was, and its start', () => {
    expect(describeQuote(item('assistant', 'We have S, M and L.'))).toBe(
      '[The person replies to your earlier message: "We have S, M and L."]',
    );
    expect(describeQuote(item('contact', 'my order is 4411'))).toBe(
      '[The person replies to their own earlier message: "my order is 4411"]',
    );
    const long = describeQuote(item('agent', `${'a'.repeat(299)}😀 and more`));
    expect(long).toBe(`[The person replies to your earlier message: "${'a'.repeat(299)}…"]`);
  });

  it('cuts a long quote between the characters a person sees, never inside a flag or a family emoji', () => {
    const quote = (text: string) => describeQuote(item('assistant', text));
    expect(quote(`${'a'.repeat(298)}🇫🇷 and more`)).toBe(
      `[The person replies to your earlier message: "${'a'.repeat(298)}…"]`,
    );
    expect(quote(`${'a'.repeat(296)}👨‍👩‍👧 and more`)).toBe(
      `[The person replies to your earlier message: "${'a'.repeat(296)}…"]`,
    );
  });

  it('comes before the input in the user message', () => {
    const turn: AssistantTurn = makeTurn({
      input: { kind: 'text', text: 'that one' },
      replying_to: item('assistant', 'Mug or candle?'),
    });
    const request = buildChatRequest(turn, { model: 'm', instructions: 'Be kind.', maxHistory: 20 });
    expect(request.messages.at(-1)).toEqual({
      role: 'user',
      content: '[The person replies to your earlier message: "Mug or candle?"]\nthat one',
    });
  });
});
