import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoBot {
  url: string;
  /** Every turn the bot received, in arrival order. */
  turns: {
    input: { kind: string; text?: string; value?: string };
    contact: unknown;
    context: unknown;
    replying_to?: { role: string; text: string };
  }[];
  /** While set, requests wait (until released) instead of answering. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/**
 * An external bot (assistant type `http`) that answers "echo: <text>" (two messages for "two please", a hand-over
 * for "agent please"),
 * for tests of the gateway's core.
 */
export async function startEchoBot(): Promise<EchoBot> {
  const turns: EchoBot['turns'] = [];
  let held: (() => void)[] | undefined;
  const server = createServer(async (req, res) => {
    const turn = JSON.parse(await readBody(req));
    turns.push(turn);
    if (held) await new Promise<void>((resolve) => held?.push(resolve));
    const text = turn.input.text ?? turn.input.value ?? turn.input.kind;
    const count = ((turn.context?.count as number | undefined) ?? 0) + 1;
    const responses =
      text === 'agent please'
        ? [{ type: 'connect_to_agent', message: 'I am bringing in a colleague.', reason: 'asked for a person' }]
        : text === 'logo please'
          ? [{ type: 'image', url: 'https://cdn.example/logo.png' }]
          : text === 'two please'
            ? [
                { type: 'text', text: 'first' },
                { type: 'text', text: 'second' },
              ]
            : [{ type: 'text', text: `echo: ${text}` }];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ responses, context: { count } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot`,
    turns,
    hold: () => {
      held = [];
    },
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const resolve of waiting) resolve();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
