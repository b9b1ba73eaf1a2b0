/**
 * A tiny Messenger bot for browser tests: a node:http server that verifies the emulator's webhook
 * subscription and signatures, and answers through the emulator's Send API like a real bot would.
 * The script: Get Started → a greeting and a question with quick replies; a quick reply → a text
 * naming the choice; MUGS (persistent menu) → a carousel with quick replies; BUY_* → a thank-you.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedBotOptions {
  /** The emulator's base URL, e.g. `http://127.0.0.1:4000`. */
  graphUrl: string;
  pageToken: string;
  appSecret: string;
  verifyToken: string;
  /** How long the bot shows the typing indicator before answering. Default 700 ms, long enough to see. */
  typingMs?: number;
}

/** One messaging event the bot received, as parsed from a signed webhook; a page's own events have no sender. */
export type MessagingEvent = Record<string, unknown> & { sender?: { id: string } };

export interface ScriptedBot {
  /** The webhook URL to register with the emulator. */
  url: string;
  /** Every messaging event received, in order. */
  events: MessagingEvent[];
  /** Send API or webhook problems; a test asserts this stays empty. */
  errors: string[];
  /** Sends the page's Messenger profile (greeting, Get Started, ice breakers, persistent menu). */
  setUpProfile(): Promise<void>;
  /** Resolves when the bot has handled everything received so far. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const MUG_CARDS = [
  { title: 'Blue mug', subtitle: '350 ml, ceramic · €12', color: '#3b82f6', payload: 'BUY_BLUE' },
  { title: 'Red mug', subtitle: '300 ml, stoneware · €14', color: '#ef4444', payload: 'BUY_RED' },
  { title: 'Green mug', subtitle: '400 ml, enamel · €9', color: '#22c55e', payload: 'BUY_GREEN' },
] as const;

const CHOICES = [
  { content_type: 'text', title: 'Order status', payload: 'ORDER_STATUS' },
  { content_type: 'text', title: 'Browse mugs', payload: 'MUGS' },
  { content_type: 'text', title: 'Talk to a person', payload: 'HUMAN' },
];

export async function startScriptedBot(options: ScriptedBotOptions): Promise<ScriptedBot> {
  const typingMs = options.typingMs ?? 700;
  const events: MessagingEvent[] = [];
  const errors: string[] = [];
  let queue: Promise<void> = Promise.resolve();

  const graph = async (path: string, body: unknown) => {
    const url = `${options.graphUrl}/v25.0/me/${path}?access_token=${encodeURIComponent(options.pageToken)}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) errors.push(`${path} → ${res.status} ${await res.text()}`);
  };
  const send = (psid: string, message: unknown) =>
    graph('messages', { recipient: { id: psid }, messaging_type: 'RESPONSE', message });
  const typing = async (psid: string) => {
    await graph('messages', { recipient: { id: psid }, sender_action: 'mark_seen' });
    await graph('messages', { recipient: { id: psid }, sender_action: 'typing_on' });
    await new Promise((resolve) => setTimeout(resolve, typingMs));
  };

  const answer = async (event: MessagingEvent) => {
    // Meta's block of the page, its app roles: nothing to answer, no one to answer.
    const psid = event.sender?.id;
    if (psid === undefined) return;
    const postback = event.postback as { payload?: string } | undefined;
    const message = event.message as { text?: string; quick_reply?: { payload: string } } | undefined;
    const payload = postback?.payload ?? message?.quick_reply?.payload;
    if (payload === 'GET_STARTED') {
      await typing(psid);
      await send(psid, { text: "Hi! I'm the Acme assistant." });
      await send(psid, { text: 'What can I do for you?', quick_replies: CHOICES });
    } else if (payload === 'MUGS') {
      await typing(psid);
      await send(psid, { text: 'Here are our bestsellers:' });
      await send(psid, {
        attachment: { type: 'template', payload: { template_type: 'generic', elements: mugCards(base) } },
      });
      await send(psid, {
        text: 'Anything else?',
        quick_replies: [CHOICES[0], { content_type: 'text', title: 'No, thanks', payload: 'BYE' }],
      });
    } else if (payload?.startsWith('BUY_')) {
      await typing(psid);
      await send(psid, { text: `Thanks! One ${payload.slice(4).toLowerCase()} mug is in your basket.` });
    } else if (message?.quick_reply) {
      const choice = CHOICES.find((c) => c.payload === payload)?.title ?? payload;
      await typing(psid);
      await send(psid, { text: `You chose: ${choice}. Order 123456 ships tomorrow.` });
    }
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://bot');
    const card = MUG_CARDS.find((c) => url.pathname === `/img/${c.payload.toLowerCase()}.svg`);
    if (card) {
      res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(mugPicture(card.color));
      return;
    }
    if (req.method === 'GET') {
      const ok =
        url.searchParams.get('hub.mode') === 'subscribe' &&
        url.searchParams.get('hub.verify_token') === options.verifyToken;
      res
        .writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' })
        .end(ok ? (url.searchParams.get('hub.challenge') ?? '') : '');
      return;
    }
    const raw = await readBody(req);
    if (!validSignature(raw, req.headers['x-hub-signature-256'], options.appSecret)) {
      errors.push('webhook with a missing or wrong X-Hub-Signature-256');
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('EVENT_RECEIVED');
    const body = JSON.parse(raw.toString('utf8')) as { entry?: { messaging?: MessagingEvent[] }[] };
    for (const entry of body.entry ?? []) {
      for (const event of entry.messaging ?? []) {
        events.push(event);
        queue = queue
          .then(() => answer(event))
          .catch((err: unknown) => {
            errors.push(`bot failed: ${String(err)}`);
          });
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: `${base}/webhook`,
    events,
    errors,
    setUpProfile: () =>
      graph('messenger_profile', {
        get_started: { payload: 'GET_STARTED' },
        greeting: [
          { locale: 'default', text: 'Hi {{user_first_name}}! Welcome to Acme. Ask us anything about your orders.' },
        ],
        ice_breakers: [
          {
            locale: 'default',
            call_to_actions: [
              { question: 'Where is my order?', payload: 'ORDER_STATUS' },
              { question: 'Do you ship abroad?', payload: 'SHIPPING' },
            ],
          },
        ],
        persistent_menu: [
          {
            locale: 'default',
            composer_input_disabled: false,
            call_to_actions: [
              { type: 'postback', title: 'Browse mugs', payload: 'MUGS' },
              { type: 'postback', title: 'Start over', payload: 'GET_STARTED' },
              { type: 'web_url', title: 'Help centre', url: 'https://example.com/help' },
            ],
          },
        ],
      }),
    idle: async () => {
      let seen: Promise<void>;
      do {
        seen = queue;
        await seen;
      } while (seen !== queue);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The carousel; its pictures are served by the bot itself, as a shop would host its own images. */
function mugCards(base: string) {
  return MUG_CARDS.map((card) => {
    const slug = card.payload.toLowerCase();
    return {
      title: card.title,
      subtitle: card.subtitle,
      image_url: `${base}/img/${slug}.svg`,
      default_action: { type: 'web_url', url: `https://example.com/mugs/${slug}` },
      buttons: [
        { type: 'postback', title: 'Buy', payload: card.payload },
        { type: 'web_url', title: 'Details', url: `https://example.com/mugs/${slug}` },
      ],
    };
  });
}

function mugPicture(color: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="382" height="200" viewBox="0 0 382 200"><rect width="382" height="200" fill="${color}"/><path d="M156 56h64v84a20 20 0 0 1-20 20h-24a20 20 0 0 1-20-20z" fill="#fff" opacity=".9"/><path d="M220 78h10a19 19 0 0 1 0 38h-10" stroke="#fff" stroke-width="9" fill="none" opacity=".9"/></svg>`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function validSignature(raw: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(header.slice(7), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
