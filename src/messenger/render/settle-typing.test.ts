import { describe, expect, it } from 'vitest';
import type { OutboundStep } from './outbound-step.ts';
import { settleTyping } from './settle-typing.ts';

const msg: OutboundStep = { kind: 'message', message: { text: 'Hi' } };
const on: OutboundStep = { kind: 'typing', on: true };
const off: OutboundStep = { kind: 'typing', on: false };
const wait = (ms: number): OutboundStep => ({ kind: 'wait', ms });

describe('settleTyping', () => {
  it.each<{ name: string; steps: OutboundStep[]; settled: OutboundStep[] }>([
    { name: 'keeps a plain turn as it is', steps: [msg, msg], settled: [msg, msg] },
    { name: 'drops typing with no wait after it', steps: [on, msg, on, off, msg], settled: [msg, msg] },
    { name: 'drops empty and negative waits', steps: [msg, wait(0), wait(-3), msg], settled: [msg, msg] },
    {
      name: 'merges waits of the same kind',
      steps: [on, wait(100), on, wait(200), msg],
      settled: [on, wait(300), msg],
    },
    { name: 'rounds fractional waits', steps: [wait(10.4), msg], settled: [wait(10), msg] },
    {
      name: 'switches typing off at the end of the turn',
      steps: [msg, on, wait(500)],
      settled: [msg, on, wait(500), off],
    },
    {
      name: 'does not switch off typing a message already ended',
      steps: [on, wait(500), msg],
      settled: [on, wait(500), msg],
    },
    {
      name: 'renews typing every 15 s of a wait',
      steps: [on, wait(30_000), msg],
      settled: [on, wait(15_000), on, wait(15_000), msg],
    },
    {
      name: 'switches typing off before a wait without it',
      steps: [on, wait(100), off, wait(100), msg],
      settled: [on, wait(100), off, wait(100), msg],
    },
  ])('$name', ({ steps, settled }) => {
    expect(settleTyping(steps)).toEqual(settled);
  });

  it('gives the same steps when run twice', () => {
    const steps: OutboundStep[] = [on, wait(40_000), msg, wait(10), on, wait(20_000)];
    expect(settleTyping(settleTyping(steps))).toEqual(settleTyping(steps));
  });
});
