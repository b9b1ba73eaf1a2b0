import type { OutgoingMessage } from '../send-types.ts';
import { TYPING_RENEW_MS } from './limits.ts';
import type { OutboundStep } from './outbound-step.ts';

type Item = { kind: 'message'; message: OutgoingMessage } | { kind: 'wait'; ms: number; typing: boolean };

/**
 * Rewrites a turn's steps into the fewest Send API calls that show the same thing. Each wait is read as
 * "with typing shown" or not, from the typing steps before it (a message switches typing off, as Messenger
 * does when a message arrives). Then: waits of the same kind merge; empty waits and typing steps with no wait
 * after them go; typing is switched on once before a typing wait and renewed every 15 s during it (Messenger
 * drops it after about 20 s); switched off before a wait without typing and at the end of the turn.
 */
export function settleTyping(steps: readonly OutboundStep[]): OutboundStep[] {
  const out: OutboundStep[] = [];
  let shown = false;
  for (const item of mergeWaits(toItems(steps))) {
    if (item.kind === 'message') {
      out.push(item);
      shown = false;
    } else if (item.typing) {
      out.push(...typingWait(item.ms));
      shown = true;
    } else {
      if (shown) out.push({ kind: 'typing', on: false });
      out.push({ kind: 'wait', ms: item.ms });
      shown = false;
    }
  }
  if (shown) out.push({ kind: 'typing', on: false });
  return out;
}

function toItems(steps: readonly OutboundStep[]): Item[] {
  const items: Item[] = [];
  let typing = false;
  for (const step of steps) {
    if (step.kind === 'typing') typing = step.on;
    else if (step.kind === 'wait') {
      const ms = Math.round(step.ms);
      if (Number.isFinite(ms) && ms > 0) items.push({ kind: 'wait', ms, typing });
    } else {
      items.push(step);
      typing = false;
    }
  }
  return items;
}

function mergeWaits(items: readonly Item[]): Item[] {
  const merged: Item[] = [];
  for (const item of items) {
    const last = merged.at(-1);
    if (item.kind === 'wait' && last?.kind === 'wait' && last.typing === item.typing) {
      merged[merged.length - 1] = { ...last, ms: last.ms + item.ms };
    } else merged.push(item);
  }
  return merged;
}

function typingWait(ms: number): OutboundStep[] {
  const steps: OutboundStep[] = [];
  for (let left = ms; left > 0; left -= TYPING_RENEW_MS) {
    steps.push({ kind: 'typing', on: true }, { kind: 'wait', ms: Math.min(left, TYPING_RENEW_MS) });
  }
  return steps;
}
