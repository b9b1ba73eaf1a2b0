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

/**
 * A catch-up over a store of pending echoes (`pending`), whose settling waits until the test ends it, recording what
 * happens in order.
 */
function setup({ awaiting = true, pending = [] as StoredInboundEvent[] } = {}) {
  const log: string[] = [];
  const settling: (() => void)[] = [];
  const catchUp = createWebhookCatchUp({
    outbox: { awaitingWebhooks: awaiting, pageHeard: (pageId, stamp) => log.push(`heard ${pageId} ${stamp}`) },
    loadPendingEchoes: async () => [...pending],
    settleEchoes: (echoes) => {
      log.push(`settling ${echoes.map((e) => e.id).join(' ')}`);
      return new Promise<void>((resolve) => settling.push(resolve));
    },
    logger: pino({ level: 'silent' }),
  });
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  const settleNext = async () => {
    settling.shift()?.();
    await tick();
  };
  return { catchUp, log, settleNext, tick };
}

describe('webhook catch-up', () => {
  it('tells a page’s newest echo only once every echo stored, handed here or not, has settled its row', async () => {
    // Stored by another process, whose notice has not come: the echo that proves the row.
    const held = stored('e0', { kind: 'echo', timestamp: 50 });
    const { catchUp, log, settleNext, tick } = setup({ pending: [held] });
    catchUp.heard([stored('e1', { kind: 'echo', timestamp: 300 }), stored('e2', { kind: 'echo', timestamp: 200 })]);
    await tick();
    expect(log).toEqual(['settling e0']);
    await settleNext();
    expect(log).toEqual(['settling e0', 'heard page-1 300']);
  });

  it('tells what came while it settled in one more round, without settling the same echo twice', async () => {
    const pending = [stored('e0', { kind: 'echo', timestamp: 50 })];
    const { catchUp, log, settleNext, tick } = setup({ pending });
    catchUp.heard([stored('e1', { kind: 'echo', timestamp: 100 })]);
    await tick();
    pending.push(stored('e9', { kind: 'echo', timestamp: 60 }));
    catchUp.heard([stored('e2', { kind: 'echo', timestamp: 200, page_id: 'page-2' })]);
    catchUp.heard([stored('e3', { kind: 'echo', timestamp: 300, page_id: 'page-2' })]);
    await settleNext();
    await settleNext();
    await catchUp.idle();
    expect(log).toEqual(['settling e0', 'heard page-1 100', 'settling e9', 'heard page-2 300']);
  });

  it('counts echoes only: the order Facebook promises is that of messages, and the proof awaited is an echo', async () => {
    const { catchUp, log, tick } = setup();
    catchUp.heard([
      stored('m1', { kind: 'message', timestamp: 300 }),
      stored('r1', { kind: 'read', timestamp: 400, watermark: 400 } as Partial<InboundEvent> & {
        kind: 'read';
        timestamp: number;
      }),
    ]);
    await tick();
    expect(log).toEqual([]);
  });

  it('tells nothing of a round whose echoes could not be settled, and settles them all again in the next', async () => {
    let refuse = true;
    const log: string[] = [];
    const catchUp = createWebhookCatchUp({
      outbox: { awaitingWebhooks: true, pageHeard: (pageId, stamp) => log.push(`heard ${pageId} ${stamp}`) },
      loadPendingEchoes: async () => [stored('e0', { kind: 'echo', timestamp: 50 })],
      settleEchoes: async (echoes) => {
        log.push(`settling ${echoes.map((e) => e.id).join(' ')}`);
        if (refuse) throw new Error('database is locked');
      },
      logger: pino({ level: 'silent' }),
    });
    catchUp.heard([stored('e1', { kind: 'echo', timestamp: 300 })]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    refuse = false;
    catchUp.heard([stored('e2', { kind: 'echo', timestamp: 400 })]);
    await catchUp.idle();
    expect(log).toEqual(['settling e0', 'settling e0', 'heard page-1 400']);
  });

  it('does nothing while no row waits for its page to catch up', async () => {
    const { catchUp, log, tick } = setup({ awaiting: false, pending: [stored('e0', { kind: 'echo', timestamp: 50 })] });
    catchUp.heard([stored('e1', { kind: 'echo', timestamp: 300 })]);
    await tick();
    expect(log).toEqual([]);
  });
});
