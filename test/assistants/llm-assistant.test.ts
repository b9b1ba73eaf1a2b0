import { Agent } from 'undici';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLlmAssistant, type LlmAssistantOptions } from '../../src/assistants/llm/llm-assistant.ts';
import { hang, json, raw, type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { makeTurn, recordingLogger } from './turn-fixture.ts';

const FALLBACK = 'Sorry, I cannot answer right now. A colleague will get back to you.';
const API_KEY = 'sk-test-0123456789abcdef';
const dispatcher = new Agent({ keepAliveTimeout: 1_000 });
let model: ScriptedServer;

beforeEach(async () => {
  model = await startScriptedServer();
});
afterEach(() => model.close());
afterAll(() => dispatcher.close());

function assistant(options: Partial<LlmAssistantOptions> = {}) {
  return createLlmAssistant({
    baseUrl: `${model.url}/v1/`,
    model: 'acme-chat-1',
    apiKey: API_KEY,
    instructions: 'You are the Acme support assistant. Be brief.',
    fallbackText: () => FALLBACK,
    dispatcher,
    retryDelay: { baseMs: 1 },
    ...options,
  });
}

/** A Chat Completions answer with one choice. */
function completion(message: Record<string, unknown>, finishReason = 'stop') {
  return json(200, {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model: 'acme-chat-1',
    choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finishReason }],
  });
}

function toolCall(args: Record<string, unknown> | string) {
  return {
    id: 'call_1',
    type: 'function',
    function: { name: 'connect_to_agent', arguments: typeof args === 'string' ? args : JSON.stringify(args) },
  };
}

function sentBody(index = 0) {
  return JSON.parse(model.received[index]?.body ?? '{}') as {
    model: string;
    temperature?: number;
    messages: { role: string; content: string }[];
    tools: { type: string; function: { name: string; parameters: { required: string[] } } }[];
  };
}

describe('the request the model receives', () => {
  it('goes to /chat/completions with the model, the API key, the tool and the temperature', async () => {
    model.script(completion({ content: 'Hello!' }));
    await assistant({ temperature: 0.2 }).reply(makeTurn());

    const request = model.received[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const body = sentBody();
    expect(body.model).toBe('acme-chat-1');
    expect(body.temperature).toBe(0.2);
    expect(body.tools).toHaveLength(1);
    expect(body.tools[0]?.type).toBe('function');
    expect(body.tools[0]?.function.name).toBe('connect_to_agent');
    expect(body.tools[0]?.function.parameters.required).toEqual(['reason']);
  });

  it('starts with a system prompt of the instructions, the first name and the page name', async () => {
    model.script(completion({ content: 'Hello!' }));
    await assistant().reply(makeTurn());
    const [system] = sentBody().messages;
    expect(system?.role).toBe('system');
    expect(system?.content.startsWith('You are the Acme support assistant. Be brief.')).toBe(true);
    expect(system?.content).toContain('"Ada"');
    expect(system?.content).toContain('"Acme Support"');
  });

  it('sends the recent history with mapped roles, then the new input last', async () => {
    model.script(completion({ content: 'It ships tomorrow.' }));
    const history = [
      { role: 'contact' as const, text: 'too old to be sent', at: 1 },
      { role: 'contact' as const, text: 'hi', at: 2 },
      { role: 'assistant' as const, text: 'Hello Ada, how can I help?', at: 3 },
      { role: 'agent' as const, text: 'Bob here, from the team.', at: 4 },
    ];
    await assistant({ maxHistory: 3 }).reply(makeTurn({ history }));
    expect(sentBody().messages.slice(1)).toEqual([
      { role: 'user', content: 'hi' },
      // One side's messages in a row are joined: strict chat templates want the roles to alternate.
      { role: 'assistant', content: 'Hello Ada, how can I help?\n\nBob here, from the team.' },
      { role: 'user', content: 'where is my order?' },
    ]);
  });

  it('describes a tapped choice in words', async () => {
    model.script(completion({ content: 'Sure.' }));
    await assistant().reply(makeTurn({ input: { kind: 'choice', value: 'order_status', text: 'Order status' } }));
    expect(sentBody().messages.at(-1)).toEqual({
      role: 'user',
      content: '[The person tapped "Order status" (value: order_status)]',
    });
  });

  it('sends the user and password of a base URL without API key as Basic auth (a proxy in front of Ollama)', async () => {
    model.script(completion({ content: 'Hello!' }));
    const baseUrl = `${model.url.replace('http://', 'http://gateway:s3cret@')}/v1`;
    expect(await assistant({ apiKey: undefined, baseUrl }).reply(makeTurn())).toEqual({
      responses: [{ type: 'text', text: 'Hello!' }],
    });
    expect(model.received[0]?.path).toBe('/v1/chat/completions');
    expect(model.received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('gateway:s3cret').toString('base64')}`);
  });

  it('keeps a query of the base URL after the path (Azure OpenAI’s api-version)', async () => {
    model.script(completion({ content: 'Hello!' }));
    const baseUrl = `${model.url}/openai/deployments/acme/?api-version=2024-10-21`;
    expect(await assistant({ baseUrl }).reply(makeTurn())).toEqual({ responses: [{ type: 'text', text: 'Hello!' }] });
    expect(model.received[0]?.path).toBe('/openai/deployments/acme/chat/completions?api-version=2024-10-21');
  });

  it('sends no Authorization header and no temperature when none is configured', async () => {
    model.script(completion({ content: 'Hello!' }));
    await assistant({ apiKey: undefined }).reply(makeTurn());
    expect(model.received[0]?.headers.authorization).toBeUndefined();
    expect(sentBody()).not.toHaveProperty('temperature');
  });
});

describe('a server that refuses a parameter', () => {
  const refusal = (error: Record<string, unknown>) => json(400, { error: { type: 'invalid_request_error', ...error } });

  it('gets the token limit as max_completion_tokens, from then on, once it refuses max_tokens (OpenAI reasoning models)', async () => {
    const logger = recordingLogger();
    model.script(
      refusal({
        message:
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        param: 'max_tokens',
        code: 'unsupported_parameter',
      }),
      completion({ content: 'It ships tomorrow.' }),
      completion({ content: 'You are welcome.' }),
    );
    const model5 = assistant({ maxTokens: 400, logger });
    expect(await model5.reply(makeTurn())).toEqual({ responses: [{ type: 'text', text: 'It ships tomorrow.' }] });
    expect(await model5.reply(makeTurn())).toEqual({ responses: [{ type: 'text', text: 'You are welcome.' }] });

    const sent = model.received.map((request) => JSON.parse(request.body));
    expect(sent.map((body) => [body.max_tokens, body.max_completion_tokens])).toEqual([
      [400, undefined],
      [undefined, 400],
      [undefined, 400],
    ]);
    expect(logger.entries.map((entry) => entry.details.adaptation)).toEqual(['max_completion_tokens']);
  });

  it('answers without the hand-over tool, from then on, once it refuses tools (many models Ollama serves)', async () => {
    model.script(
      refusal({ message: 'registry.ollama.ai/library/gemma:2b does not support tools', type: 'api_error' }),
      completion({ content: 'Hello!' }),
      completion({ content: 'Hello again!' }),
    );
    const gemma = assistant();
    expect(await gemma.reply(makeTurn())).toEqual({ responses: [{ type: 'text', text: 'Hello!' }] });
    expect(await gemma.reply(makeTurn())).toEqual({ responses: [{ type: 'text', text: 'Hello again!' }] });
    expect(model.received.map((request) => 'tools' in JSON.parse(request.body))).toEqual([true, false, false]);
  });

  it('is not asked again after another 400, such as a max_tokens over the model’s limit', async () => {
    model.script(
      refusal({
        message: 'max_tokens is too large: 100000. This model supports at most 16384 completion tokens.',
        param: 'max_tokens',
        code: 'invalid_value',
      }),
    );
    const reply = await assistant({ maxTokens: 100_000 }).reply(makeTurn());
    expect(reply.failure?.reason).toMatch(/^HTTP 400: max_tokens is too large/);
    expect(model.received).toHaveLength(1);
  });

  it('is asked without the temperature, from then on, once it refuses any but its default (OpenAI reasoning models)', async () => {
    const logger = recordingLogger();
    model.script(
      refusal({
        message:
          "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
        param: 'temperature',
        code: 'unsupported_value',
      }),
      completion({ content: 'It ships tomorrow.' }),
      completion({ content: 'You are welcome.' }),
    );
    const o4 = assistant({ temperature: 0.2, logger });
    expect(await o4.reply(makeTurn())).toEqual({ responses: [{ type: 'text', text: 'It ships tomorrow.' }] });
    expect(await o4.reply(makeTurn())).toEqual({ responses: [{ type: 'text', text: 'You are welcome.' }] });

    const sent = model.received.map((request) => JSON.parse(request.body));
    expect(sent.map((body) => ['temperature' in body, body.temperature])).toEqual([
      [true, 0.2],
      [false, undefined],
      [false, undefined],
    ]);
    expect(logger.entries.map((entry) => entry.details.adaptation)).toEqual(['no_temperature']);
  });

  it('adapts to each refusal in turn, all within one turn (a model that refuses the three)', async () => {
    model.script(
      refusal({ message: "Unsupported parameter: 'max_tokens'.", param: 'max_tokens', code: 'unsupported_parameter' }),
      refusal({
        message: "Unsupported parameter: 'temperature' is not supported with this model.",
        param: 'temperature',
        code: 'unsupported_parameter',
      }),
      refusal({ message: "Unsupported parameter: 'tools'.", param: 'tools', code: 'unsupported_parameter' }),
      completion({ content: 'It ships tomorrow.' }),
    );
    const reply = await assistant({ maxTokens: 400, temperature: 0.2 }).reply(makeTurn());
    expect(reply).toEqual({ responses: [{ type: 'text', text: 'It ships tomorrow.' }] });
    const sent = model.received.map((request) => JSON.parse(request.body));
    expect(
      sent.map((body) => [body.max_tokens, body.max_completion_tokens, body.temperature, 'tools' in body]),
    ).toEqual([
      [400, undefined, 0.2, true],
      [undefined, 400, 0.2, true],
      [undefined, 400, undefined, true],
      [undefined, 400, undefined, false],
    ]);
  });

  it('is not asked again after a temperature out of its range', async () => {
    model.script(
      refusal({
        message: "Invalid 'temperature': decimal above maximum value. Expected a value <= 1, but got 1.5 instead.",
        param: 'temperature',
        code: 'decimal_above_max_value',
      }),
    );
    const reply = await assistant({ temperature: 1.5 }).reply(makeTurn());
    expect(reply.failure?.reason).toMatch(/^HTTP 400: Invalid 'temperature'/);
    expect(model.received).toHaveLength(1);
  });
});

describe('a conversation longer than the model’s context', () => {
  const history = Array.from({ length: 8 }, (_, i) => ({
    role: i % 2 === 0 ? ('contact' as const) : ('assistant' as const),
    text: `message ${i}`,
    at: i,
  }));
  const tooLong = json(400, {
    error: {
      message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    },
  });
  // vLLM's words, without a code to tell.
  const tooLongInWords = json(400, {
    error: {
      message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
      type: 'BadRequestError',
      param: null,
      code: 400,
    },
  });

  it('is sent again at once with half the history, until it fits, and the log says so', async () => {
    const logger = recordingLogger();
    model.script(tooLong, tooLongInWords, completion({ content: 'It ships tomorrow.' }));
    const reply = await assistant({ maxHistory: 8, logger }).reply(makeTurn({ history }));
    expect(reply).toEqual({ responses: [{ type: 'text', text: 'It ships tomorrow.' }] });
    // The system prompt and the new input, with the history between them.
    expect(model.received.map((_, i) => sentBody(i).messages.length - 2)).toEqual([8, 4, 2]);
    expect(sentBody(2).messages.at(-2)).toEqual({ role: 'assistant', content: 'message 7' });
    expect(logger.entries.map((entry) => entry.details.history)).toEqual([2]);
  });

  it('fails with what the server said when the new input alone is too long', async () => {
    model.script(tooLong, tooLong);
    const reply = await assistant({ maxHistory: 1 }).reply(makeTurn({ history }));
    expect(reply.failure?.reason).toMatch(/^HTTP 400: This model's maximum context length is 8192 tokens/);
    expect(model.received.map((_, i) => sentBody(i).messages.length)).toEqual([3, 2]);
  });
});

describe('what the model answers', () => {
  it('becomes one text message when short', async () => {
    model.script(completion({ content: 'Your order ships tomorrow.' }));
    expect(await assistant().reply(makeTurn())).toEqual({
      responses: [{ type: 'text', text: 'Your order ships tomorrow.' }],
    });
  });

  it('becomes several text messages when long, split at paragraph breaks', async () => {
    const paragraphs = [
      'Thanks for waiting. I looked at your order and here is what I found about it today.',
      'It left our warehouse yesterday evening and is now with the carrier, who usually takes two days.',
      'If it has not arrived by Friday, write to me again and I will open an inquiry with them.',
    ];
    model.script(completion({ content: paragraphs.join('\n\n') }));
    const reply = await assistant({ maxMessageLength: 120 }).reply(makeTurn());
    expect(reply.responses).toEqual(paragraphs.map((text) => ({ type: 'text', text })));
    expect(reply.failure).toBeUndefined();
  });

  it('becomes a connect_to_agent response when the model calls the tool without content', async () => {
    model.script(
      completion(
        { tool_calls: [toolCall({ reason: 'wants a refund', message: 'I am getting a colleague for you.' })] },
        'tool_calls',
      ),
    );
    expect(await assistant().reply(makeTurn())).toEqual({
      responses: [{ type: 'connect_to_agent', reason: 'wants a refund', message: 'I am getting a colleague for you.' }],
    });
  });

  it('keeps the text before the hand-over when the tool call comes with content', async () => {
    model.script(
      completion({ content: 'I understand, that is frustrating.', tool_calls: [toolCall({ reason: 'angry' })] }),
    );
    expect((await assistant().reply(makeTurn())).responses).toEqual([
      { type: 'text', text: 'I understand, that is frustrating.' },
      { type: 'connect_to_agent', reason: 'angry' },
    ]);
  });

  it('hands over even when the tool arguments are unreadable', async () => {
    model.script(completion({ tool_calls: [toolCall('{"reason": ')] }, 'tool_calls'));
    const reply = await assistant().reply(makeTurn());
    expect(reply.responses).toEqual([
      {
        type: 'connect_to_agent',
        reason: 'the assistant asked for a colleague',
        message: "I'm bringing in a colleague. They'll reply right here as soon as they can.",
      },
    ]);
  });

  it('drops an unfinished last sentence when the answer hit the token limit', async () => {
    model.script(completion({ content: 'Your order shipped. It should arrive on' }, 'length'));
    const logger = recordingLogger();
    const reply = await assistant({ logger }).reply(makeTurn());
    expect(reply.responses).toEqual([{ type: 'text', text: 'Your order shipped.' }]);
    expect(logger.entries).toHaveLength(1);
  });

  it('never shows the reasoning some models put in the content', async () => {
    model.script(completion({ content: '<think>The person wants tracking.</think>\nIt ships tomorrow.' }));
    expect((await assistant().reply(makeTurn())).responses).toEqual([{ type: 'text', text: 'It ships tomorrow.' }]);
  });

  it('never shows reasoning whose opening tag was in the prompt (the answer holds only its end)', async () => {
    // DeepSeek-R1's and QwQ's chat templates open <think> in the prompt, as vLLM and Ollama serve them.
    model.script(completion({ content: 'The person wants tracking. Be brief.\n</think>\n\nIt ships tomorrow.' }));
    expect((await assistant().reply(makeTurn())).responses).toEqual([{ type: 'text', text: 'It ships tomorrow.' }]);
  });
});

describe('a model that fails', () => {
  it('gives the fallback text and a failure on an empty answer', async () => {
    model.script(completion({ content: '   ' }));
    const reply = await assistant().reply(makeTurn());
    expect(reply).toEqual({
      responses: [{ type: 'text', text: FALLBACK }],
      failure: { reason: 'the model gave an empty answer (finish: stop)' },
    });
  });

  it('gives the fallback text when the answer was blocked by a content filter', async () => {
    model.script(completion({ content: '' }, 'content_filter'));
    const reply = await assistant().reply(makeTurn());
    expect(reply.responses).toEqual([{ type: 'text', text: FALLBACK }]);
    expect(reply.failure?.reason).toContain('content filter');
  });

  it('retries after an HTTP 500 and gives the one answer that follows', async () => {
    model.script(json(500, { error: { message: 'overloaded' } }), completion({ content: 'Here I am.' }));
    const reply = await assistant().reply(makeTurn());
    expect(reply).toEqual({ responses: [{ type: 'text', text: 'Here I am.' }] });
    expect(model.received).toHaveLength(2);
  });

  it("is not asked again after a 429 that says the account's quota is used up, and the flag says so", async () => {
    const message = 'You exceeded your current quota, please check your plan and billing details.';
    model.script(
      json(429, { error: { message, type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }),
      completion({ content: 'Here I am.' }),
    );
    const reply = await assistant().reply(makeTurn());
    expect(reply).toEqual({
      responses: [{ type: 'text', text: FALLBACK }],
      failure: { reason: `HTTP 429: ${message}` },
    });
    expect(model.received).toHaveLength(1);
  });

  it('reads the error of an answer longer than a thousand characters (a proxy adds the upstream details)', async () => {
    const message = 'You exceeded your current quota, please check your plan and billing details.';
    const upstream = { provider: 'openai', trace: 'x'.repeat(2_000) };
    model.script(
      json(429, { error: { message, type: 'insufficient_quota', param: null, code: 'insufficient_quota', upstream } }),
      completion({ content: 'Here I am.' }),
    );
    const reply = await assistant().reply(makeTurn());
    expect(reply.failure?.reason).toBe(`HTTP 429: ${message}`);
    expect(model.received).toHaveLength(1);
  });

  it('still retries a 429 that is a rate limit, with or without a body', async () => {
    const message = 'Rate limit reached for acme-chat-1 on tokens per min (TPM). Please try again in 1ms.';
    model.script(
      json(429, { error: { message, type: 'tokens', param: null, code: 'rate_limit_exceeded' } }),
      raw(429, ''),
      completion({ content: 'Here I am.' }),
    );
    const reply = await assistant().reply(makeTurn());
    expect(reply).toEqual({ responses: [{ type: 'text', text: 'Here I am.' }] });
    expect(model.received).toHaveLength(3);
  });

  it('gives the fallback text and a failure when the model does not answer in time', async () => {
    model.script(hang);
    const reply = await assistant({ timeoutMs: 200 }).reply(makeTurn());
    expect(reply.responses).toEqual([{ type: 'text', text: FALLBACK }]);
    expect(reply.failure?.reason).toBe('no answer within 200 ms');
    expect(model.received).toHaveLength(1);
  });

  it("keeps the provider's error message but never the API key, in the reason or the logs", async () => {
    const logger = recordingLogger();
    model.script(json(401, { error: { message: `Incorrect API key provided: ${API_KEY}.`, type: 'invalid_request' } }));
    const reply = await assistant({ logger }).reply(makeTurn());
    expect(reply.failure?.reason).toContain('HTTP 401: Incorrect API key provided');
    expect(reply.failure?.reason).not.toContain(API_KEY);
    // One entry, with the provider's message in it: the key was taken out of what is logged, not the log left empty.
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]?.details.reason).toContain('Incorrect API key provided');
    expect(JSON.stringify(logger.entries)).not.toContain(API_KEY);
    expect(JSON.stringify(logger.entries)).not.toContain('0123456789abcdef');
    expect(model.received).toHaveLength(1);
  });

  it('gives the fallback text when the answer is not a chat completion', async () => {
    model.script(raw(200, '{"result": "hello"}'));
    const reply = await assistant().reply(makeTurn());
    expect(reply.responses).toEqual([{ type: 'text', text: FALLBACK }]);
    expect(reply.failure?.reason).toContain('invalid answer from the model');
  });

  it("says what the server said when it answers an error as Ollama and some proxies do: {error: '...'}", async () => {
    model.script(json(404, { error: 'model "llama9" not found, try pulling it first' }));
    const reply = await assistant().reply(makeTurn());
    expect(reply.failure?.reason).toBe('HTTP 404: model "llama9" not found, try pulling it first');
  });

  it('says what the server said when its error comes in a list, as Gemini’s OpenAI-compatible API sends it', async () => {
    const message = 'Invalid JSON payload received. Unknown name "tools": Cannot find field.';
    model.script(json(400, [{ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }]));
    const reply = await assistant().reply(makeTurn());
    expect(reply.failure?.reason).toBe(`HTTP 400: ${message}`);
  });

  it('says what the server said when it answers 200 with an error instead of a completion', async () => {
    model.script(json(200, { error: { message: `Upstream overloaded for key ${API_KEY}`, code: 502 } }));
    const reply = await assistant().reply(makeTurn());
    expect(reply.responses).toEqual([{ type: 'text', text: FALLBACK }]);
    expect(reply.failure?.reason).toBe(
      "the model's server answered with an error: Upstream overloaded for key [redacted]",
    );
  });

  it('names the field at fault in an answer that is not a chat completion', async () => {
    model.script(json(200, { choices: [{ finish_reason: 'stop', text: 'hello' }] }));
    const reply = await assistant().reply(makeTurn());
    expect(reply.failure?.reason).toBe(
      'invalid answer from the model: choices.0.message: Invalid input: expected object, received undefined',
    );
  });

  it('rejects with the abort reason when the turn is aborted while the model thinks', async () => {
    model.script(hang);
    const controller = new AbortController();
    const pending = assistant().reply(makeTurn({ signal: controller.signal }));
    await model.waitForRequests(1);
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
  });
});
