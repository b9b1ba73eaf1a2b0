import { createHmac } from 'node:crypto';

/**
 * Pre-built, signed single-event webhook bodies for one phase. Event `i` comes from person `i % people`
 * and its text carries the marker `bench-p<phase>-e<i>`, which the echo reply repeats, so the fake Graph
 * can tell which event a reply belongs to. Bodies live in one slab, so a few hundred thousand cost no GC.
 */
export interface SignedEvents {
  phase: number;
  count: number;
  body(i: number): Buffer;
  /** The `X-Hub-Signature-256` header value of body `i`. */
  signature(i: number): string;
}

export interface BuildEventsOptions {
  phase: number;
  count: number;
  people: number;
  pageId: string;
  appSecret: string;
  /** Epoch ms put in `time` and `timestamp`; default now (the 24-hour window counts from it). */
  now?: number;
}

/** The PSID of person `k` (16 digits, numeric like Facebook's). */
export function psidOf(k: number): string {
  return `7${String(k).padStart(15, '0')}`;
}

/** The marker the event text carries; `parseMarker` reads it back from any text (a reply, a Send API body). */
export function markerOf(phase: number, i: number): string {
  return `bench-p${phase}-e${i}`;
}

const MARKER = /bench-p(\d+)-e(\d+)/;

export function parseMarker(text: string): { phase: number; index: number } | undefined {
  const m = MARKER.exec(text);
  return m ? { phase: Number(m[1]), index: Number(m[2]) } : undefined;
}

/** Builds and signs every body up front, so the load loops only send bytes. */
export function buildSignedEvents(options: BuildEventsOptions): SignedEvents {
  const { phase, count, people, pageId, appSecret } = options;
  const now = options.now ?? Date.now();
  const json = (i: number) => {
    const marker = markerOf(phase, i);
    return (
      `{"object":"page","entry":[{"id":"${pageId}","time":${now},"messaging":[{"sender":{"id":"${psidOf(i % people)}"},` +
      `"recipient":{"id":"${pageId}"},"timestamp":${now},"message":{"mid":"m_${marker}","text":"hello ${marker}"}}]}]}`
    );
  };
  // ASCII only, and no body is longer than the last one's.
  const slab = Buffer.allocUnsafe(count * json(Math.max(0, count - 1)).length);
  const digests = Buffer.allocUnsafe(count * 32);
  const offsets = new Uint32Array(count + 1);
  let size = 0;
  for (let i = 0; i < count; i++) {
    const end = size + slab.write(json(i), size, 'latin1');
    createHmac('sha256', appSecret)
      .update(slab.subarray(size, end))
      .digest()
      .copy(digests, i * 32);
    offsets[i] = size;
    size = end;
  }
  offsets[count] = size;
  return {
    phase,
    count,
    body: (i) => slab.subarray(offsets[i], offsets[i + 1]),
    signature: (i) => `sha256=${digests.toString('hex', i * 32, i * 32 + 32)}`,
  };
}
