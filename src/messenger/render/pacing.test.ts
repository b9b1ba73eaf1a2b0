import { describe, expect, it } from 'vitest';
import type { OutboundStep } from './outbound-step.ts';
import { type Pacing, paceTurn, type ResponseDelayPreset, responseDelayFor } from './pacing.ts';
import { renderResponses } from './render-responses.ts';

const msg = (text: string): OutboundStep => ({ kind: 'message', message: { text } });
const on: OutboundStep = { kind: 'typing', on: true };
const off: OutboundStep = { kind: 'typing', on: false };
const wait = (ms: number): OutboundStep => ({ kind: 'wait', ms });
const [a, b, c] = [msg('a'), msg('b'), msg('c')];

describe('responseDelayFor', () => {
  it.each<{ preset: ResponseDelayPreset; random: number; ms: number }>([
    { preset: 'instant', random: 0.7, ms: 0 },
    { preset: 'short', random: 0, ms: 5_000 },
    { preset: 'short', random: 0.5, ms: 10_000 },
    { preset: 'short', random: 0.99999, ms: 15_000 },
    { preset: 'medium', random: 0, ms: 15_000 },
    { preset: 'medium', random: 0.5, ms: 22_500 },
    { preset: 'long', random: 0, ms: 30_000 },
    { preset: 'long', random: 0.25, ms: 37_500 },
    { preset: 'long', random: 0.99999, ms: 60_000 },
  ])('gives $ms ms for $preset with random() = $random', ({ preset, random, ms }) => {
    expect(responseDelayFor(preset, () => random)).toBe(ms);
  });

  it('keeps within the range when random() misbehaves', () => {
    expect(responseDelayFor('short', () => 7)).toBe(15_000);
    expect(responseDelayFor('short', () => -1)).toBe(5_000);
  });
});

describe('paceTurn', () => {
  it.each<{ name: string; steps: OutboundStep[]; pacing: Pacing; paced: OutboundStep[] }>([
    { name: 'adds nothing with no delays', steps: [a, b], pacing: { typing: true }, paced: [a, b] },
    {
      name: 'waits between messages with typing shown',
      steps: [a, b, c],
      pacing: { typing: true, delayBetweenMs: 800 },
      paced: [a, on, wait(800), b, on, wait(800), c],
    },
    {
      name: 'waits between messages without typing when typing is off',
      steps: [a, b],
      pacing: { typing: false, delayBetweenMs: 800 },
      paced: [a, wait(800), b],
    },
    {
      name: 'adds no delay where the assistant paused already',
      steps: [a, on, wait(2000), b, c],
      pacing: { typing: true, delayBetweenMs: 800 },
      paced: [a, on, wait(2000), b, on, wait(800), c],
    },
    {
      name: 'waits before the first message with typing shown',
      steps: [a, b],
      pacing: { typing: true, responseDelayMs: 5000 },
      paced: [on, wait(5000), a, b],
    },
    {
      name: 'renews typing every 15 s of a long response delay',
      steps: [a],
      pacing: { typing: true, responseDelayMs: 40_000 },
      paced: [on, wait(15_000), on, wait(15_000), on, wait(10_000), a],
    },
    {
      name: 'waits before the first message without typing when typing is off',
      steps: [a],
      pacing: { typing: false, responseDelayMs: 40_000 },
      paced: [wait(40_000), a],
    },
    {
      name: 'adds the response delay to a pause at the start of the turn',
      steps: [on, wait(2000), a],
      pacing: { typing: true, responseDelayMs: 5000, delayBetweenMs: 800 },
      paced: [on, wait(7000), a],
    },
    {
      name: 'shows no typing during a leading pause without typing',
      steps: [wait(3000), a],
      pacing: { typing: true, responseDelayMs: 5000 },
      paced: [on, wait(5000), off, wait(3000), a],
    },
    {
      name: 'removes the typing of pauses when typing is off',
      steps: [a, on, wait(1000), b, on, wait(500), off],
      pacing: { typing: false, delayBetweenMs: 800 },
      paced: [a, wait(1000), b, wait(500)],
    },
    {
      name: 'ends the turn with typing off when it was on',
      steps: [a, on, wait(1000), off],
      pacing: { typing: true, responseDelayMs: 1000, delayBetweenMs: 800 },
      paced: [on, wait(1000), a, on, wait(1000), off],
    },
    {
      name: 'adds nothing to a turn without messages',
      steps: [on, wait(1000), off],
      pacing: { typing: true, responseDelayMs: 5000, delayBetweenMs: 800 },
      paced: [on, wait(1000), off],
    },
    { name: 'keeps an empty turn empty', steps: [], pacing: { typing: true, responseDelayMs: 5000 }, paced: [] },
  ])('$name', ({ steps, pacing, paced }) => {
    expect(paceTurn(steps, pacing)).toEqual(paced);
  });

  it('keeps a rendered leading pause without typing free of the response delay’s typing', () => {
    const steps = renderResponses([
      { type: 'pause', ms: 3000, typing: false },
      { type: 'text', text: 'a' },
    ]);
    expect(paceTurn(steps, { typing: true, responseDelayMs: 5000 })).toEqual([on, wait(5000), off, wait(3000), a]);
  });

  it('combines response delay, delays between messages and the end of typing', () => {
    const paced = paceTurn([a, b], { typing: true, responseDelayMs: 16_000, delayBetweenMs: 500 });
    expect(paced).toEqual([on, wait(15_000), on, wait(1000), a, on, wait(500), b]);
  });
});
