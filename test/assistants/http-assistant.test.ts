import { createHmac, timingSafeEqual } from 'node:crypto';
import pino from 'pino';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpAssistant, type HttpAssistantOptions } from '../../src/assistants/http/http-assistant.ts';
import {
  dropConnection,
  hang,
  json,
  raw,
  type ScriptedServer,
  startScriptedServer,
} from '../support/scripted-server.ts';
import { makeTurn, recordingLogger } from './turn-fixture.ts';

const FALLBACK = 'Sorry, something went wrong. A colleague will get back to you.';
const dispatcher = new Agent({ keepAliveTimeout: 1_000 });
let bot: ScriptedServer;

beforeEach(async () => {
  bot = await startScriptedServer();
});
afterEach(() => bot.close());
afterAll(() => dispatcher.close());

function assistant(options: Partial<HttpAssistantOptions> = {}) {
  return createHttpAssistant({
    url: `${bot.url}/bot`,
    fallbackText: () => FALLBACK,
    dispatcher,
    retryDelay: { baseMs: 1 },
    ...options,
  });
}

describe('the request a bot receives', () => {
  it('is a JSON POST of the turn’s id and time, conversation, contact, page, input and context, and nothing else', async () => {
    bot.script(json(200, { responses: [] }));
    const turn = makeTurn({
      id: 'event-7',
      input: { kind: 'choice', value: 'order_status', text: 'Order status' },
      context: { step: 2 },
      history: [{ role: 'contact', text: 'hello', at: 1 }],
    });
    const asked = Date.now();
    await assistant({ headers: { Authorization: 'Bearer bot-token' } }).reply(turn);

    const [request] = bot.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/bot');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe('Bearer bot-token');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      turn_id: 'event-7',
      sent_at: expect.any(Number),
      conversation: { id: 'conv-1', page_id: 'page-1' },
      contact: { id: 'contact-1', profile: { first_name: 'Ada', last_name: 'Lovelace', locale: 'en_GB', timezone: 0 } },
      page: { id: 'page-1', name: 'Acme Support' },
      input: { kind: 'choice', value: 'order_status', text: 'Order status' },
      context: { step: 2 },
    });
    expect(JSON.parse(request?.body ?? '').sent_at).toBeGreaterThanOrEqual(asked);
  });

  it('carries an HMAC-SHA256 signature of the exact body when a secret is set', async () => {
    bot.script(json(200, { responses: [] }));
    await assistant({ secret: 'bot-secret' }).reply(makeTurn());

    const request = bot.received[0];
    const header = String(request?.headers['x-switchboard-signature-256']);
    const expected = `sha256=${createHmac('sha256', 'bot-secret')
      .update(request?.body ?? '')
      .digest('hex')}`;
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(timingSafeEqual(Buffer.from(header), Buffer.from(expected))).toBe(true);
  });

  it('carries the user and password of the URL as Basic auth, and not in the URL', async () => {
    bot.script(json(200, { responses: [] }));
    const url = `${bot.url.replace('http://', 'http://switchboard:p%40ss@')}/bot`;
    const reply = await assistant({ url }).reply(makeTurn());
    expect(reply).toEqual({ responses: [] });
    expect(bot.received[0]?.path).toBe('/bot');
    expect(bot.received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('switchboard:p@ss').toString('base64')}`);
  });

  it('carries no signature header without a secret', async () => {
    bot.script(json(200, { responses: [] }));
    await assistant().reply(makeTurn());
    expect(bot.received[0]?.headers['x-switchboard-signature-256']).toBeUndefined();
  });
});

describe('a bot that answers', () => {
  it('gives its responses and its new context to the gateway', async () => {
    bot.script(
      json(200, {
        responses: [
          { type: 'text', text: 'Your order ships tomorrow.' },
          { type: 'option', title: 'Anything else?', options: [{ label: 'No thanks', value: 'done' }] },
        ],
        context: { order: '123456' },
      }),
    );
    const reply = await assistant().reply(makeTurn({ context: { step: 1 } }));
    expect(reply).toEqual({
      responses: [
        { type: 'text', text: 'Your order ships tomorrow.' },
        { type: 'option', title: 'Anything else?', options: [{ label: 'No thanks', value: 'done' }] },
      ],
      context: { order: '123456' },
    });
  });

  it('sends back the context it got on the next turn (round trip)', async () => {
    bot.script(
      json(200, { responses: [{ type: 'text', text: 'What is your order number?' }], context: { asking: 'order' } }),
    );
    bot.script((request, response) => {
      const { context } = JSON.parse(request.body) as { context: Record<string, unknown> };
      json(200, { responses: [{ type: 'text', text: `You were asked for: ${String(context.asking)}` }] })(
        request,
        response,
      );
    });
    const bot1 = assistant();
    const first = await bot1.reply(makeTurn());
    const second = await bot1.reply(makeTurn({ context: first.context ?? {} }));

    expect(JSON.parse(bot.received[1]?.body ?? '').context).toEqual({ asking: 'order' });
    expect(second.responses).toEqual([{ type: 'text', text: 'You were asked for: order' }]);
    expect(second.context).toBeUndefined();
  });

  it('leaves the context unchanged when the bot sends none or null', async () => {
    bot.script(json(200, { responses: [{ type: 'text', text: 'Hi' }], context: null }));
    const reply = await assistant().reply(makeTurn({ context: { kept: true } }));
    expect(reply).toEqual({ responses: [{ type: 'text', text: 'Hi' }] });
  });

  it('says nothing, without failure, on 204 No Content', async () => {
    bot.script((_request, response) => {
      response.writeHead(204).end();
    });
    expect(await assistant().reply(makeTurn())).toEqual({ responses: [] });
  });

  it('drops invalid responses one by one and logs why', async () => {
    const logger = recordingLogger();
    bot.script(
      json(200, {
        responses: [
          { type: 'text', text: 'First' },
          { type: 'image', url: 'not a url' },
          { type: 'hologram' },
          { type: 'text', text: 'Last' },
        ],
      }),
    );
    const reply = await assistant({ logger }).reply(makeTurn());

    expect(reply.responses).toEqual([
      { type: 'text', text: 'First' },
      { type: 'text', text: 'Last' },
    ]);
    expect(reply.failure).toBeUndefined();
    expect(logger.entries.map((entry) => entry.details.index)).toEqual([1, 2]);
    expect(String(logger.entries[0]?.details.reason)).toContain('url');
  });
});

describe('a bot whose hand-over has an invalid field', () => {
  it('still hands over, without that field, and logs why', async () => {
    const logger = recordingLogger();
    bot.script(
      json(200, {
        responses: [
          { type: 'text', text: 'One moment.' },
          { type: 'connect_to_agent', message: 'A colleague is coming.', reason: { code: 'refund' } },
        ],
      }),
    );
    const reply = await assistant({ logger }).reply(makeTurn());
    expect(reply).toEqual({
      responses: [
        { type: 'text', text: 'One moment.' },
        { type: 'connect_to_agent', message: 'A colleague is coming.' },
      ],
    });
    expect(logger.entries).toEqual([
      {
        details: expect.objectContaining({ index: 1, reason: expect.stringContaining('reason') }),
        message: 'kept a hand-over from the bot without its invalid fields',
      },
    ]);
  });

  it('hands over when the hand-over is all it sent', async () => {
    bot.script(json(200, { responses: [{ type: 'connect_to_agent', message: 42 }] }));
    expect(await assistant().reply(makeTurn())).toEqual({ responses: [{ type: 'connect_to_agent' }] });
  });
});

describe('a bot that fails', () => {
  it('gives the fallback text and a failure, context unchanged, when it does not answer in time', async () => {
    bot.script(hang);
    const reply = await assistant({ timeoutMs: 200 }).reply(makeTurn({ context: { step: 1 } }));
    expect(reply.responses).toEqual([{ type: 'text', text: FALLBACK }]);
    expect(reply.failure?.reason).toContain('200 ms');
    expect(reply.context).toBeUndefined();
    expect(bot.received).toHaveLength(1);
  });

  it('retries after a 5xx and gives the one answer that follows', async () => {
    bot.script(json(503, { error: 'busy' }), json(200, { responses: [{ type: 'text', text: 'Back!' }] }));
    const reply = await assistant().reply(makeTurn());
    expect(reply).toEqual({ responses: [{ type: 'text', text: 'Back!' }] });
    expect(bot.received).toHaveLength(2);
    expect(bot.received[1]?.body).toBe(bot.received[0]?.body);
  });

  it('retries after a 429 and after a dropped connection', async () => {
    bot.script(
      json(429, {}, { 'retry-after': '0' }),
      dropConnection,
      json(200, { responses: [{ type: 'text', text: 'OK' }] }),
    );
    const reply = await assistant().reply(makeTurn());
    expect(reply).toEqual({ responses: [{ type: 'text', text: 'OK' }] });
    expect(bot.received).toHaveLength(3);
  });

  it('gives up after the configured retries', async () => {
    bot.script(json(500, {}), json(500, {}), json(500, {}));
    const reply = await assistant({ retries: 2 }).reply(makeTurn());
    expect(reply.responses).toEqual([{ type: 'text', text: FALLBACK }]);
    expect(reply.failure?.reason).toBe('HTTP 500, after 3 attempts');
    expect(bot.received).toHaveLength(3);
  });

  it('does not wait for a Retry-After longer than its longest back-off', async () => {
    bot.script(json(429, {}, { 'retry-after': '120' }));
    const reply = await assistant({ retryDelay: { baseMs: 1, maxMs: 1_000 } }).reply(makeTurn());
    expect(reply.failure?.reason).toBe('HTTP 429, asked to retry after 120 s');
    expect(bot.received).toHaveLength(1);
  });

  it('does not retry a 4xx', async () => {
    bot.script(json(404, { error: 'no such bot' }));
    const reply = await assistant().reply(makeTurn());
    expect(reply.responses).toEqual([{ type: 'text', text: FALLBACK }]);
    expect(reply.failure?.reason).toBe('HTTP 404');
    expect(bot.received).toHaveLength(1);
  });

  it('fails on an answer that is not JSON', async () => {
    bot.script(raw(200, '<html>oops</html>', 'text/html'));
    const reply = await assistant().reply(makeTurn());
    expect(reply.responses).toEqual([{ type: 'text', text: FALLBACK }]);
    expect(reply.failure?.reason).toContain('invalid JSON');
  });

  it('fails when "responses" is missing or every response is invalid', async () => {
    bot.script(json(200, { messages: ['hi'] }), json(200, { responses: [{ type: 'text' }] }));
    const missing = await assistant().reply(makeTurn());
    const allInvalid = await assistant().reply(makeTurn());
    expect(missing.failure?.reason).toContain('"responses" must be an array');
    expect(allInvalid.failure?.reason).toContain('no valid response');
    expect(allInvalid.responses).toEqual([{ type: 'text', text: FALLBACK }]);
  });

  it('fails when the context is not an object', async () => {
    bot.script(json(200, { responses: [{ type: 'text', text: 'Hi' }], context: 'step-2' }));
    const reply = await assistant().reply(makeTurn());
    expect(reply.failure?.reason).toContain('"context" must be an object');
  });

  it('fails when nothing listens at the address', async () => {
    const url = `${bot.url}/bot`;
    await bot.close();
    const reply = await assistant({ url, retries: 1 }).reply(makeTurn());
    expect(reply.responses).toEqual([{ type: 'text', text: FALLBACK }]);
    expect(reply.failure?.reason).toMatch(/^network error: .*after 2 attempts$/);
  });

  it('never logs the request headers', async () => {
    const logger = recordingLogger();
    bot.script(json(500, {}));
    await assistant({ logger, retries: 0, headers: { authorization: 'Bearer s3cret' } }).reply(makeTurn());
    expect(logger.entries).toHaveLength(1);
    expect(JSON.stringify(logger.entries)).not.toContain('s3cret');
  });
});

describe('an aborted turn', () => {
  it('rejects with the abort reason while the bot is still thinking', async () => {
    bot.script(hang);
    const controller = new AbortController();
    const pending = assistant().reply(makeTurn({ signal: controller.signal }));
    await bot.waitForRequests(1);
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
  });

  it('stops retrying when aborted during the back-off', async () => {
    bot.script(json(503, {}));
    const controller = new AbortController();
    const pending = assistant({ retryDelay: { baseMs: 60_000, maxMs: 60_000 } }).reply(
      makeTurn({ signal: controller.signal }),
    );
    await bot.waitForRequests(1);
    controller.abort(new Error('turn timed out'));
    await expect(pending).rejects.toThrow('turn timed out');
    expect(bot.received).toHaveLength(1);
  });

  it('does not call the bot when the turn is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(assistant().reply(makeTurn({ signal: controller.signal }))).rejects.toThrow('too late');
    expect(bot.received).toHaveLength(0);
  });
});

it('works with the shared keep-alive agent when none is given', async () => {
  bot.script(json(200, { responses: [{ type: 'text', text: 'Hi' }] }));
  const reply = await createHttpAssistant({ url: bot.url, fallbackText: () => FALLBACK }).reply(makeTurn());
  expect(reply).toEqual({ responses: [{ type: 'text', text: 'Hi' }] });
});

it('logs through a pino logger given as is', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
  bot.script(json(200, { responses: [{ type: 'text', text: 'Hi' }, { type: 'card' }] }));
  await assistant({ logger }).reply(makeTurn());
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ assistant: 'http', index: 1, level: 40 });
});
