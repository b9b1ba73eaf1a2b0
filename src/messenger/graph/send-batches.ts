import type { SendRequest } from '../send-types.ts';
import { isRecord } from './graph-json.ts';
import type { GraphRequester, GraphResponse } from './graph-request.ts';
import { graphFailure, readGraphResponse } from './graph-result.ts';

/** Graph runs at most 50 requests in one batch (messenger-platform.md §9). */
export const MAX_SENDS_PER_BATCH = 50;

interface WaitingSend {
  body: SendRequest;
  /** Takes this send's answer, read out of the batch as if it had been a call of its own. */
  answer: (response: GraphResponse) => void;
}

/**
 * Gathers the sends made with one page token in a turn of the event loop into Graph batch requests
 * (messenger-platform.md §9): one HTTP call carries up to 50 people's replies, each counted against the rate
 * limits as before, each with its own answer. A lone send goes as a call of its own. The outbox sends one row at a
 * time per person, so a batch never holds two sends to one person and their order is kept.
 */
export function createSendBatches(
  graph: GraphRequester,
  callAlone: (token: string, body: SendRequest) => Promise<GraphResponse>,
): (token: string, body: SendRequest) => Promise<GraphResponse> {
  const waiting = new Map<string, WaitingSend[]>();
  let scheduled = false;
  const sendAlone = (token: string, send: WaitingSend) =>
    callAlone(token, send.body).catch(unexpected).then(send.answer);

  const flush = () => {
    scheduled = false;
    for (const [token, sends] of waiting) {
      for (let i = 0; i < sends.length; i += MAX_SENDS_PER_BATCH) {
        const part = sends.slice(i, i + MAX_SENDS_PER_BATCH);
        const [first] = part;
        if (part.length === 1 && first) void sendAlone(token, first);
        else
          void sendBatch(graph, token, part, sendAlone).catch(() => {
            for (const send of part) send.answer(unexpected());
          });
      }
    }
    waiting.clear();
  };

  return (token, body) =>
    new Promise((answer) => {
      const sends = waiting.get(token);
      if (sends) sends.push({ body, answer });
      else waiting.set(token, [{ body, answer }]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

/**
 * A call that threw instead of answering (the requester turns every network and Graph failure into a value, so this is
 * a defect): in doubt, so the outbox waits for an echo before sending again, and never left waiting for ever.
 */
const unexpected = (): GraphResponse => graphFailure({ message: 'Graph call failed unexpectedly' }, {}, 'transient');

async function sendBatch(
  graph: GraphRequester,
  token: string,
  sends: WaitingSend[],
  sendAlone: (token: string, send: WaitingSend) => Promise<void>,
): Promise<void> {
  const batch = sends.map(({ body }) => ({ method: 'POST', relative_url: 'me/messages', body: formBody(body) }));
  // The token rides in the body too, as Graph documents for batches (its sub-requests fall back on it); a body, unlike
  // a URL, is never logged on the way.
  const json = { access_token: token, batch, include_headers: false };
  const res = await graph.call({ method: 'POST', path: '/', token, json });
  if (!res.ok) {
    // A batch refused as malformed says nothing of its requests: each goes alone for a verdict of its own, so one
    // reply Graph cannot take never fails fifty others with it.
    if (res.kind === 'invalid') await Promise.all(sends.map((send) => sendAlone(token, send)));
    else for (const send of sends) send.answer(res);
    return;
  }
  const results = Array.isArray(res.body) && res.body.length === sends.length ? res.body : undefined;
  const scrub = graph.scrubberFor(token);
  sends.forEach((send, i) => {
    const result: unknown = results?.[i];
    if (!isRecord(result) || typeof result.code !== 'number') {
      // Graph went through the batch but says nothing of this request (`null`: it did not finish): in doubt, as a
      // timeout is, so the outbox waits for its echo before sending again.
      const message = results ? 'Graph did not answer this request of the batch' : 'Graph answered a batch unreadably';
      send.answer(graphFailure({ message, http_status: res.status }, res, 'transient'));
      return;
    }
    // The batch's headers speak for every request in it: the usage is the page's and the app's, and a wait asked for
    // is the wait of those that failed.
    const body = typeof result.body === 'string' ? result.body : '';
    send.answer(readGraphResponse(result.code, body, scrub, res));
  });
}

/** A sub-request's body is a form, with each object as JSON (messenger-platform.md §9); unset fields left out, as JSON does. */
function formBody(body: SendRequest): string {
  return Object.entries(body)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value))}`)
    .join('&');
}
