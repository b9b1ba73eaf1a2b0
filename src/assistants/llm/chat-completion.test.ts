import { describe, expect, it } from 'vitest';
import { splitText } from '../../text/split-text.ts';
import { interpretCompletion } from './chat-completion.ts';

/** A Chat Completions answer with one choice. */
function completion(message: Record<string, unknown>, finishReason = 'tool_calls') {
  return {
    choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finishReason }],
  };
}

function handOver(args: unknown, content: string | null = null) {
  return completion({
    content,
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'connect_to_agent', arguments: args } }],
  });
}

describe('interpretCompletion', () => {
  describe('a hand-over', () => {
    it('tells the person a colleague is coming when the model wrote nothing and gave no message', () => {
      const outcome = interpretCompletion(handOver('{"reason": "wants a refund"}'), { maxMessageLength: 640 });
      expect(outcome).toEqual({
        ok: true,
        responses: [
          {
            type: 'connect_to_agent',
            reason: 'wants a refund',
            message: "I'm bringing in a colleague. They'll reply right here as soon as they can.",
          },
        ],
        warnings: [],
      });
    });

    it("says so in the person's language", () => {
      const outcome = interpretCompletion(handOver('{"reason": "remboursement"}'), {
        maxMessageLength: 640,
        language: 'fr_FR',
      });
      expect(outcome.ok && outcome.responses[0]).toMatchObject({
        message: 'Je fais appel à un collègue. Il vous répondra ici dès que possible.',
      });
    });

    it('adds no message of its own after text of the model', () => {
      const outcome = interpretCompletion(handOver('{"reason": "angry"}', 'I understand, that is frustrating.'), {
        maxMessageLength: 640,
      });
      expect(outcome.ok && outcome.responses).toEqual([
        { type: 'text', text: 'I understand, that is frustrating.' },
        { type: 'connect_to_agent', reason: 'angry' },
      ]);
    });

    it('reads arguments sent as a JSON object instead of a string', () => {
      const outcome = interpretCompletion(handOver({ reason: 'wants a refund', message: 'One moment, please.' }), {
        maxMessageLength: 640,
      });
      expect(outcome).toEqual({
        ok: true,
        responses: [{ type: 'connect_to_agent', reason: 'wants a refund', message: 'One moment, please.' }],
        warnings: [],
      });
    });

    it('still hands over when the arguments are neither a string nor an object', () => {
      const outcome = interpretCompletion(handOver(42), { maxMessageLength: 640 });
      expect(outcome.ok && outcome.responses[0]).toMatchObject({
        type: 'connect_to_agent',
        reason: 'the assistant asked for a colleague',
      });
      expect(outcome.ok && outcome.warnings).toEqual(['the connect_to_agent arguments were unreadable']);
    });
  });

  describe('an answer without text', () => {
    it('gives the refusal the model wrote, even when the content comes empty rather than null', () => {
      for (const content of [null, '']) {
        const outcome = interpretCompletion(completion({ content, refusal: "I can't help with that." }, 'stop'), {
          maxMessageLength: 640,
        });
        expect(outcome).toEqual({
          ok: true,
          responses: [{ type: 'text', text: "I can't help with that." }],
          warnings: [],
        });
      }
    });

    it('fails saying the token limit came before the answer, when it did', () => {
      const outcome = interpretCompletion(completion({ content: '' }, 'length'), { maxMessageLength: 640 });
      expect(outcome).toEqual({
        ok: false,
        reason:
          'the model gave an empty answer (finish: length): it reached its token limit before answering (raise max_tokens)',
      });
    });
  });

  it('drops the unfinished sentence of an answer cut by the token limit, or by the context as Mistral says it', () => {
    for (const finish of ['length', 'model_length']) {
      const outcome = interpretCompletion(completion({ content: 'Your order shipped. It should arrive on' }, finish), {
        maxMessageLength: 640,
      });
      expect(outcome).toMatchObject({ ok: true, responses: [{ type: 'text', text: 'Your order shipped.' }] });
    }
  });

  it('answers with the text beside a call of a tool that is not ours, a function or a custom one, and says so', () => {
    const outcome = interpretCompletion(
      completion({
        content: 'Here is what I found.',
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'search', arguments: '{}' } },
          { id: 'b', type: 'custom', custom: { name: 'grep', input: 'x' } },
        ],
      }),
      { maxMessageLength: 640 },
    );
    expect(outcome).toEqual({
      ok: true,
      responses: [{ type: 'text', text: 'Here is what I found.' }],
      warnings: ['ignored a call of the unknown tool "search"', 'ignored a call of the unknown tool "custom"'],
    });
  });

  describe('a long answer', () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}.`);

    it('becomes at most the 25 messages a turn may send, the first ones', () => {
      const outcome = interpretCompletion(completion({ content: paragraphs.join('\n\n') }, 'stop'), {
        maxMessageLength: 20,
      });
      if (!outcome.ok) throw new Error(outcome.reason);
      expect(outcome.responses).toHaveLength(25);
      expect(outcome.responses.at(-1)).toEqual({ type: 'text', text: 'Paragraph 24.' });
      expect(outcome.warnings).toEqual(['the answer was cut to the 25 messages a turn may send']);
    });

    it('keeps the start of an answer longer than 25 messages hold, split as the whole would be', () => {
      const text = `${'word '.repeat(3_000)}${'x'.repeat(100_000)}`;
      const outcome = interpretCompletion(completion({ content: text }, 'stop'), { maxMessageLength: 640 });
      if (!outcome.ok) throw new Error(outcome.reason);
      const texts = outcome.responses.map((r) => (r.type === 'text' ? r.text : ''));
      expect(texts).toEqual(splitText(text, { maxLength: 640 }).slice(0, 25));
      expect(texts.at(-1)).toBe('x'.repeat(640));
      expect(outcome.warnings).toEqual(['the answer was cut to the 25 messages a turn may send']);

      const unbroken = interpretCompletion(completion({ content: 'y'.repeat(1_000_000) }, 'stop'), {
        maxMessageLength: 640,
      });
      if (!unbroken.ok) throw new Error(unbroken.reason);
      expect(unbroken.responses).toEqual(Array(25).fill({ type: 'text', text: 'y'.repeat(640) }));
    });

    it('is cut between the characters a person sees, keeping the text as the model wrote it', () => {
      const flags = `a${'🇫🇷'.repeat(200)}`;
      const outcome = interpretCompletion(completion({ content: flags }, 'stop'), { maxMessageLength: 640 });
      if (!outcome.ok) throw new Error(outcome.reason);
      const texts = outcome.responses.map((r) => (r.type === 'text' ? r.text : ''));
      expect(texts.length).toBeGreaterThan(1);
      expect(texts.join('')).toBe(flags);
      for (const text of texts.slice(1)) expect(text.startsWith('🇫🇷')).toBe(true);

      const sentences = 'これはテストの文です。'.repeat(70);
      const cut = interpretCompletion(completion({ content: sentences }, 'stop'), { maxMessageLength: 640 });
      if (!cut.ok) throw new Error(cut.reason);
      expect(cut.responses.map((r) => (r.type === 'text' ? r.text : '')).join('')).toBe(sentences);
    });

    it('cuts a hand-over message longer than a turn may send, as it cuts the text', () => {
      const message = 'Please wait for a colleague. '.repeat(40_000);
      const outcome = interpretCompletion(handOver(JSON.stringify({ reason: 'refund', message })), {
        maxMessageLength: 640,
      });
      if (!outcome.ok) throw new Error(outcome.reason);
      const [response] = outcome.responses;
      const kept = response?.type === 'connect_to_agent' ? (response.message ?? '') : '';
      expect(kept.length).toBeLessThanOrEqual(26 * 640);
      expect(kept.length).toBeGreaterThan(25 * 640);
      expect(message.startsWith(kept)).toBe(true);
      expect(outcome.warnings).toEqual(['the answer was cut to the 25 messages a turn may send']);
    });

    it('keeps its hand-over when cut', () => {
      const outcome = interpretCompletion(handOver('{"reason": "refund"}', paragraphs.join('\n\n')), {
        maxMessageLength: 20,
      });
      if (!outcome.ok) throw new Error(outcome.reason);
      expect(outcome.responses).toHaveLength(25);
      expect(outcome.responses.at(-2)).toEqual({ type: 'text', text: 'Paragraph 23.' });
      expect(outcome.responses.at(-1)).toEqual({ type: 'connect_to_agent', reason: 'refund' });
    });
  });
});
