import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.ts';
import { type Harness, PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';
import { json, type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

const completion = (message: Record<string, unknown>, finish = 'stop') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'test-model',
  choices: [{ index: 0, finish_reason: finish, message: { role: 'assistant', ...message } }],
});

for (const database of DATABASES) {
  describe(`model assistant through the gateway on ${database}`, () => {
    let h: Harness;
    let model: ScriptedServer;

    beforeAll(async () => {
      model = await startScriptedServer();
      process.env.TEST_MODEL_KEY = 'sk-test-key';
      h = await startHarness({
        database,
        assistant: {
          type: 'llm',
          base_url: `${model.url}/v1`,
          model: 'test-model',
          api_key_env: 'TEST_MODEL_KEY',
          instructions: 'You answer for a tea shop.',
          max_history: 20,
          timeout_ms: 5000,
        },
        settings: { delay_between_messages_ms: 0, readable_length: 0 },
      });
    });
    afterAll(async () => {
      await h?.close();
      await model?.close();
    });

    it('answers with the model, given the page instructions, the history and the person', async () => {
      const long = `${'We have green, black and oolong teas from small farms. '.repeat(8)}\n\n${'Our best seller is a smoky lapsang. '.repeat(8)}`;
      model.script(json(200, completion({ content: long })));
      await h.fb.sendText(PAGE_ID, PSID, 'what teas do you have?');
      await h.settle();
      const texts = (await h.fb.conversation(PAGE_ID, PSID)).items
        .filter((i) => i.from === 'page')
        .map((i) => i.message?.text);
      // A long answer becomes several messages, cut at the paragraph.
      expect(texts).toHaveLength(2);
      expect(texts[0]).toMatch(/^We have green.*small farms\.$/);
      expect(texts[1]).toMatch(/^Our best seller/);
      const request = model.received[0];
      expect(request?.headers.authorization).toBe('Bearer sk-test-key');
      const body = JSON.parse(request?.body ?? '{}');
      expect(body.model).toBe('test-model');
      expect(body.messages[0]).toMatchObject({
        role: 'system',
        content: expect.stringContaining('You answer for a tea shop.'),
      });
      expect(body.messages.at(-1)).toMatchObject({
        role: 'user',
        content: expect.stringContaining('what teas do you have?'),
      });
    });

    it('hands the conversation to a person when the model calls connect_to_agent', async () => {
      model.script(
        json(
          200,
          completion(
            {
              content: null,
              tool_calls: [
                {
                  id: 'call_1',
                  type: 'function',
                  function: {
                    name: 'connect_to_agent',
                    arguments: JSON.stringify({ reason: 'wants a refund', message: 'Let me get a colleague.' }),
                  },
                },
              ],
            },
            'tool_calls',
          ),
        ),
      );
      await h.fb.sendText(PAGE_ID, PSID, 'I want my money back for the broken pot');
      await h.settle();
      const body = JSON.parse(model.received.at(-1)?.body ?? '{}');
      expect(body.messages.some((m: { content?: string }) => m.content?.includes('what teas do you have?'))).toBe(true);
      const conversation = await h.switchboard.db
        .selectFrom('conversations')
        .select(['routing', 'flag_reason'])
        .executeTakeFirstOrThrow();
      expect(conversation).toMatchObject({ routing: 'human', flag_reason: expect.stringContaining('wants a refund') });
      const last = (await h.fb.conversation(PAGE_ID, PSID)).items.filter((i) => i.from === 'page').at(-1);
      expect(last?.message?.text).toBe('Let me get a colleague.');
    });
  });
}
