import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../conversations/inbound-event.ts';
import type { StoredInboundEvent } from '../storage/inbound-event-repository.ts';
import { createWebhookCatchUp } from './webhook-catch-up.ts';

const stored = (id: string, event: Partial<InboundEvent> & Pick<InboundEvent, 'kind' | 'timestamp'>) =>
  ({
    id,
    attempts: 0,
    received_at: event.timestamp,
    event: { key: id, page_id: 'page-1', user_id: 'psid-1', standby: false, mid: `m_${id}`, attachments: [], ...event },
  }) as StoredInboundEvent;

/** A catch-up whose echo settling waits until the test ends it, recording what happens in order. */
function setup(awaiting = true) {
  const log: string[] = [];
  const settling: (() => void)[] = [];
  const tell = createWebhookCatchUp({
    outbox: { awaitingWebhooks: awaiting, pageHeard: (pageId, stamp) => log.push(`heard ${pageId} ${stamp}`) },
    settleEchoes: (echoes) => {
      log.push(`settling ${echoes.map((e) => e.id).join(' ')}`);
      return new Promise<void>((resolve) => settling.push(resolve));
    },
    logger: pino({ level: 'silent' }),
  });
  const settleNext = async () => {
    settling.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { tell, log, settleNext };
}

describe('webhook catch-up', () => {
  it('tells each page’s newest stamp only once the echoes stored with it have settled their rows', async () => {
    const { tell, log, settleNext } = setup();
    tell([
      stored('e1', { kind: 'echo', timestamp: 100 }),
      stored('m1', { kind: 'message', timestamp: 300 }),
      stored('m2', { kind: 'message', timestamp: 200, page_id: 'page-2' }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual(['settling e1']);
    await settleNext();
    expect(log).toEqual(['settling e1', 'heard page-1 300', 'heard page-2 200']);
  });

  it('tells a later batch after an earlier one’s echoes, even when it has none', async () => {
    const { tell, log, settleNext } = setup();
    tell([stored('e1', { kind: 'echo', timestamp: 100 })]);
    tell([stored('m1', { kind: 'message', timestamp: 300 })]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual(['settling e1']);
    await settleNext();
    expect(log).toEqual(['settling e1', 'heard page-1 100', 'heard page-1 300']);
  });

  it('tells nothing more once echoes could not be settled: the rows they prove wait out their longest wait', async () => {
    const log: string[] = [];
    const tell = createWebhookCatchUp({
      outbox: { awaitingWebhooks: true, pageHeard: (pageId, stamp) => log.push(`heard ${pageId} ${stamp}`) },
      settleEchoes: async () => {
        throw new Error('database is locked');
      },
      logger: pino({ level: 'silent' }),
    });
    tell([stored('e1', { kind: 'echo', timestamp: 100 }), stored('m1', { kind: 'message', timestamp: 300 })]);
    tell([stored('m2', { kind: 'message', timestamp: 400 })]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    tell([stored('m3', { kind: 'message', timestamp: 500 })]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toEqual([]);
  });

  it('does nothing while no row waits for its page to catch up', async () => {
    const { tell, log } = setup(false);
    tell([stored('e1', { kind: 'echo', timestamp: 100 }), stored('m1', { kind: 'message', timestamp: 300 })]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual([]);
  });
});
