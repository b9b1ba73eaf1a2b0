import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantTurn } from '../assistant.ts';
import { createHttpAssistant } from './http-assistant.ts';

const turn: AssistantTurn = {
  id: 'event-1',
  conversation: { id: 'conversation-1', page_id: 'page-1' },
  contact: { id: 'contact-1', profile: {} },
  page: { id: 'page-1' },
  input: { kind: 'text', text: 'hello' },
  context: {},
  new_session: false,
  history: [],
};

/** A bot at `url()` for the tests of a describe block, answering every turn with `answer`. */
function botServer(answer: RequestListener) {
  const server = createServer(answer);
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  return { url: () => url };
}

describe('an external bot that fails', () => {
  const bot = botServer((_request, response) => response.writeHead(500).end());

  it('is logged with the page and conversation of the turn, and the person gets the fallback text', async () => {
    const warnings: object[] = [];
    const assistant = createHttpAssistant({
      url: bot.url(),
      retries: 0,
      fallbackText: () => 'Sorry, one moment.',
      logger: { warn: (fields) => void warnings.push(fields) },
    });
    const reply = await assistant.reply(turn);
    expect(reply.responses).toEqual([{ type: 'text', text: 'Sorry, one moment.' }]);
    expect(warnings).toEqual([
      expect.objectContaining({ pageId: 'page-1', conversationId: 'conversation-1', assistant: 'http' }),
    ]);
  });
});

describe('an external bot that answers with thousands of invalid responses', () => {
  const answer = JSON.stringify({
    responses: [{ type: 'text', text: 'hi' }, ...Array.from({ length: 3_000 }, () => ({ type: 'text' }))],
  });
  const bot = botServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(answer),
  );

  it('logs the first few dropped and counts the rest, in a handful of lines', async () => {
    const warnings: { index?: number; dropped?: number }[] = [];
    const assistant = createHttpAssistant({
      url: bot.url(),
      retries: 0,
      fallbackText: () => 'Sorry, one moment.',
      logger: { warn: (fields) => void warnings.push(fields) },
    });
    const reply = await assistant.reply(turn);
    expect(reply.responses).toEqual([{ type: 'text', text: 'hi' }]);
    expect(warnings.map((w) => w.index ?? `${w.dropped} in all`)).toEqual([1, 2, 3, 4, 5, '3000 in all']);
  });
});
