import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { Config } from '../config/load-config.ts';
import type { InboundEvent } from '../conversations/inbound-event.ts';
import { readText } from '../conversations/policy/escalation.ts';
import { createDirectoryMirror, type PageDirectory } from '../server/page-directory.ts';
import type { StoredInboundEvent } from '../storage/inbound-event-repository.ts';
import { createWriteLock } from '../storage/write-lock.ts';
import { READ_AHEAD_MAX_LENGTH, startProcessingThread } from './thread-client.ts';

const DIES_AFTER_READY = new URL('../../test/fixtures/threads/dies-after-ready.js', import.meta.url);
const NEVER_IDLE = new URL('../../test/fixtures/threads/never-idle.js', import.meta.url);
const DIES_HOLDING_THE_LOCK = new URL('../../test/fixtures/threads/dies-holding-the-lock.js', import.meta.url);
const FAILS_TO_STOP = new URL('../../test/fixtures/threads/fails-to-stop.js', import.meta.url);
const TELLS_ENQUEUED = new URL('../../test/fixtures/threads/tells-enqueued.js', import.meta.url);

const start = (entry: URL, failures: Error[] = [], writeLock = createWriteLock()) =>
  startProcessingThread({
    config: {} as Config,
    env: {},
    directory: { ...createDirectoryMirror({ apps: [], pages: [] }), reload: async () => {} } as PageDirectory,
    writeLock,
    observer: { processed: () => {}, sent: () => {}, changed: () => {} },
    logger: pino({ level: 'silent' }),
    onFailure: (error) => failures.push(error),
    entry,
  });

describe('the processing thread, seen from the main thread', () => {
  it('reports a thread that dies after start-up, and fails the calls waiting on it', async () => {
    const failures: Error[] = [];
    const processing = await start(DIES_AFTER_READY, failures);
    const waiting = processing.idle();
    processing.enqueue([]);
    await expect(waiting).rejects.toThrow('the thread broke on an event');
    expect(failures.map((e) => e.message)).toEqual(['the thread broke on an event']);
    await expect(processing.resume()).rejects.toThrow('the thread broke on an event');
    await processing.stop();
  });

  it('hands each typed message over with its text read for the escalation checks, the rest as it is', async () => {
    const processing = await start(TELLS_ENQUEUED);
    const base = { page_id: 'p1', user_id: 'u1', timestamp: 1, standby: false };
    const typed: InboundEvent = {
      ...base,
      kind: 'message',
      key: 'm1',
      mid: 'm1',
      text: ' Talk to a HUMAN ',
      attachments: [],
    };
    const tapped: InboundEvent = { ...base, kind: 'postback', key: 'b1', payload: 'MENU', title: 'Menu' };
    // A long text is left to the turn: this thread answers Facebook.
    const long: InboundEvent = { ...typed, key: 'm2', mid: 'm2', text: 'a'.repeat(READ_AHEAD_MAX_LENGTH + 1) };
    const events: StoredInboundEvent[] = [
      { id: 'e1', event: typed, attempts: 0, received_at: 1 },
      { id: 'e2', event: tapped, attempts: 0, received_at: 1 },
      { id: 'e3', event: long, attempts: 0, received_at: 1 },
    ];
    processing.enqueue(events);
    const read = { ...events[0], reading: readText('Talk to a HUMAN') };
    expect(await processing.idle()).toEqual([read, events[1], events[2]]);
    expect(events[0]).not.toHaveProperty('reading');
    await processing.stop();
  });

  it('frees the database write lock of a thread that died holding it', async () => {
    const failures: Error[] = [];
    const lock = createWriteLock();
    const processing = await start(DIES_HOLDING_THE_LOCK, failures, lock);
    const waiting = processing.idle();
    processing.enqueue([]);
    await expect(waiting).rejects.toThrow('the thread broke in a transaction');
    await vi.waitFor(() => expect(new Int32Array(lock.buffer)[0]).toBe(0));
    await processing.stop();
  });

  it('fails the calls still waiting when it stops, and those made after', async () => {
    const processing = await start(NEVER_IDLE);
    const waiting = processing.idle();
    await processing.stop();
    await expect(waiting).rejects.toThrow('the processing thread has stopped');
    await expect(processing.idle()).rejects.toThrow('the processing thread has stopped');
  });

  it('ends a thread whose stop fails, fails the calls waiting on it, and then reports the failure', async () => {
    const failures: Error[] = [];
    const processing = await start(FAILS_TO_STOP, failures);
    const waiting = processing.idle();
    await expect(processing.stop()).rejects.toThrow('the thread broke while stopping');
    // Left running, the thread would write to a database the gateway goes on to close, and the call would wait for ever.
    await expect(waiting).rejects.toThrow('the processing thread has stopped');
    await expect(processing.idle()).rejects.toThrow('the processing thread has stopped');
    // A stop asked for is no failure of the thread's: the gateway is not told to shut down again.
    expect(failures).toEqual([]);
  }, 5_000);
});
