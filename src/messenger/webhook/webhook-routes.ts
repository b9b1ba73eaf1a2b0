import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { InboundEvent } from '../../conversations/inbound-event.ts';
import { errorBody } from '../../server/errors.ts';
import type { Metrics } from '../../server/metrics.ts';
import type { PageDirectory } from '../../server/page-directory.ts';
import { parseRequest } from '../../server/request-parsing.ts';
import type { StoredInboundEvent } from '../../storage/inbound-event-repository.ts';
import { parseWebhookBody } from './parse-webhook.ts';
import { type SignatureRefusal, signatureHeaderProblem, verifyWebhookSignature } from './webhook-signature.ts';

export interface WebhookRoutesDeps {
  directory: PageDirectory;
  /** Durably stores events (group commit); resolves per event with the stored row, or undefined for a redelivery. */
  store: (events: InboundEvent[]) => Promise<(StoredInboundEvent | undefined)[]>;
  /** Durably keeps what could not be understood, for inspection: on disk when it resolves, like `store`. */
  quarantine: (items: { reason: string; body: string }[]) => Promise<void>;
  /** Of these redelivered events, the stored ones still waiting to be handled. */
  stillPending: (events: readonly InboundEvent[]) => Promise<StoredInboundEvent[]>;
  /** A promise when the events go to another process: the 200 waits for it (a person's order across processes). */
  enqueue: (events: StoredInboundEvent[]) => void | Promise<void>;
  /**
   * Brings the directory up to date with what other processes changed (PostgreSQL; they are looked for every few
   * seconds): asked before the events of a page it does not know, or knows under another app, are put aside.
   */
  catchUpPages?: () => Promise<void>;
  metrics: Metrics;
  logger: Logger;
  /** Refused above this with a 413, which Facebook would retry for ever: see `BODY_LIMIT`. */
  bodyLimit?: number;
}

const NONE: readonly InboundEvent[] = [];

/** The subscription check (messenger-platform.md §1.1): each parameter once, a string, as Facebook sends it. */
const subscriptionCheck = z.object({
  'hub.mode': z.string().optional(),
  'hub.verify_token': z.string().optional(),
  'hub.challenge': z.string().optional(),
});

/**
 * Facebook batches up to 1000 updates in a request, and escapes non-ASCII text as `\uXXXX`, six bytes a character: 1000
 * messages of 2,000 characters make 12 MB. A body refused is delivered again and again until Facebook gives up on the
 * webhook, which stops every page of the app, so the limit leaves room for the worst Facebook sends.
 */
const BODY_LIMIT = 16 * 1024 * 1024;

/** `GET|POST /webhooks/messenger`: the subscription check and signed event delivery (design.md §3). */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesDeps> = async (app, deps) => {
  /** The last hand-over that waits for a lookup: those of bodies stored after it wait behind it. */
  let waiting: Promise<void> | undefined;

  /**
   * Hands stored events to the workers in the order they were stored (a person's order). A redelivered event may have
   * been stored by an earlier delivery whose answer never came back (PostgreSQL lost the connection as it committed),
   * and never handed over then: those still pending go first, and the workers skip any they hold. Looking them up takes
   * a read, so while one is under way the bodies stored after it wait their turn; otherwise a hand-over is at once.
   */
  function handOver(fresh: StoredInboundEvent[], redelivered: readonly InboundEvent[]): void | Promise<void> {
    if (redelivered.length === 0 && waiting === undefined) return fresh.length > 0 ? deps.enqueue(fresh) : undefined;
    const handing = (waiting ?? Promise.resolve())
      .then(async () => {
        const again = redelivered.length === 0 ? [] : await lookUpPending(redelivered);
        const handed = again.length > 0 ? [...again, ...fresh] : fresh;
        if (handed.length > 0) await deps.enqueue(handed);
      })
      // Stored all the same: the minute's sweep hands over what this could not.
      .catch((err) => deps.logger.error({ err }, 'could not hand stored webhook events to the workers'));
    waiting = handing;
    void handing.then(() => {
      if (waiting === handing) waiting = undefined;
    });
    return handing;
  }

  /** Bodies between arrival and their store, in `inArrivalOrder`. */
  let inLine = 0;
  let line: Promise<unknown> = Promise.resolve();

  /**
   * Submits a body's events to the store after the bodies that came before it, when one of them waits first (for a
   * look-up of pages): else a person's later event would be stored, and handled, before the earlier one.
   */
  function inArrivalOrder<T>(lookUp: (() => Promise<void>) | undefined, submit: () => T): Promise<T> {
    inLine++;
    const turn = line.then(async () => {
      try {
        if (lookUp) await lookUp();
        return submit();
      } finally {
        inLine--;
      }
    });
    line = turn.catch(() => {});
    return turn;
  }

  const lookUpPending = (redelivered: readonly InboundEvent[]) =>
    deps.stillPending(redelivered).catch((err) => {
      // The new events go on: the minute's sweep finds what this could not.
      deps.logger.warn({ err }, 'could not look for redelivered events still pending');
      return [];
    });

  // The signature covers the exact bytes, so this scope keeps bodies as Buffers and parses JSON itself.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimit ?? BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );
  // Refused before the handler runs (413, build-app.ts answers it): counted and logged here, as the handler's refusals.
  app.addHook('onError', async (request, _reply, error: Error & { code?: string }) => {
    if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return;
    deps.metrics.rejected.inc({ reason: 'too_large' });
    deps.logger.warn(
      { bytes: Number(request.headers['content-length']) || undefined },
      'webhook body over the limit refused',
    );
  });

  app.get('/webhooks/messenger', async (request, reply) => {
    const query = parseRequest(subscriptionCheck, request.query);
    const mode = query['hub.mode'];
    const token = query['hub.verify_token'] ?? '';
    const known = deps.directory.apps().some((a) => safeEqual(a.verify_token, token));
    if (mode !== 'subscribe' || !known) return reply.code(403).send(errorBody('SB_WEBHOOK_VERIFY_REFUSED'));
    return reply.type('text/plain').send(query['hub.challenge'] ?? '');
  });

  const signatureOf = (request: FastifyRequest) => {
    const header = request.headers['x-hub-signature-256'];
    return typeof header === 'string' ? header : undefined;
  };
  const refuseSignature = (reply: FastifyReply, reason: SignatureRefusal) => {
    deps.metrics.rejected.inc({ reason: `signature_${reason}` });
    const code = reason === 'missing' ? 'SB_WEBHOOK_SIGNATURE_MISSING' : 'SB_WEBHOOK_SIGNATURE_INVALID';
    return reply.code(401).send(errorBody(code));
  };

  // A body that comes without a signature, or with one of the wrong shape, is refused before it is read: unsigned
  // senders cannot make the gateway buffer up to the body limit. A callback: an async hook costs every webhook a promise.
  const signedOnly = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const problem = signatureHeaderProblem(signatureOf(request));
    if (problem) refuseSignature(reply, problem);
    else done();
  };

  app.post('/webhooks/messenger', { onRequest: signedOnly }, async (request, reply) => {
    const started = performance.now();
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const check = verifyWebhookSignature(signatureOf(request), raw, deps.directory.apps());
    if (!check.ok) return refuseSignature(reply, check.reason);
    let body: unknown;
    const text = raw.toString('utf8');
    try {
      body = JSON.parse(text);
    } catch {
      deps.metrics.rejected.inc({ reason: 'json' });
      // Bytes that are not UTF-8 (maybe why it failed) would be replaced in text: kept whole, as base64, instead.
      const utf8 = Buffer.from(text).equals(raw);
      await deps.quarantine([
        utf8
          ? { reason: 'malformed JSON', body: text }
          : { reason: 'malformed JSON, not UTF-8 (body in base64)', body: raw.toString('base64') },
      ]);
      deps.logger.warn({ appId: check.appId, bytes: raw.length }, 'malformed webhook JSON kept for inspection');
      return reply.code(400).send(errorBody('SB_WEBHOOK_JSON_INVALID'));
    }
    const parsed = parseWebhookBody(body);
    const known = (event: InboundEvent) => deps.directory.page(event.page_id)?.app_id === check.appId;
    // A page connected through another process a moment ago.
    const lookUp = deps.catchUpPages && !parsed.events.every(known) ? deps.catchUpPages : undefined;
    const submit = () => {
      const events: InboundEvent[] = [];
      for (const event of parsed.events) {
        const page = deps.directory.page(event.page_id);
        if (page?.app_id === check.appId) events.push(event);
        else
          parsed.rejected.push({
            reason: page ? 'page belongs to another app' : `page ${event.page_id} is not connected`,
            raw: event,
          });
      }
      return { events, storing: events.length > 0 ? deps.store(events) : Promise.resolve([]) };
    };
    const { events, storing } = lookUp || inLine > 0 ? await inArrivalOrder(lookUp, submit) : submit();
    let setAside: Promise<void> | undefined;
    if (parsed.rejected.length > 0) {
      deps.metrics.rejected.inc({ reason: 'event' }, parsed.rejected.length);
      deps.logger.warn(
        { count: parsed.rejected.length, reasons: parsed.rejected.map((r) => r.reason) },
        'webhook events kept for inspection',
      );
      setAside = deps.quarantine(parsed.rejected.map((r) => ({ reason: r.reason, body: JSON.stringify(r.raw) })));
      // Awaited before the 200, after the hand-over: a failure meanwhile is not an unhandled one.
      setAside.catch(() => {});
    }
    const stored = await storing;
    const fresh = stored.filter((s): s is StoredInboundEvent => s !== undefined);
    for (const s of fresh) deps.metrics.eventsReceived.inc({ kind: s.event.kind });
    // Built only when there are some: this runs for every webhook.
    const redelivered = fresh.length < stored.length ? events.filter((_, i) => stored[i] === undefined) : NONE;
    if (redelivered.length > 0) deps.metrics.duplicates.inc(redelivered.length);
    // Answered once handed over, as the workers' callers expect of a 200. A lookup under way holds the bodies stored
    // after it for one read of the database that stored them: a database too slow for it holds their stores as well.
    const handing = handOver(fresh, redelivered);
    if (handing) await handing;
    await setAside;
    deps.metrics.ackSeconds.observe((performance.now() - started) / 1000);
    return reply.type('text/plain').send('EVENT_RECEIVED');
  });
};

function safeEqual(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
