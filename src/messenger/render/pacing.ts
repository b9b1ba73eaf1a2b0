import type { OutboundStep } from './outbound-step.ts';
import { settleTyping } from './settle-typing.ts';

/** A page's pacing settings (page settings `typing_indicators`, `delay_between_messages_ms`, `response_delay`). */
export interface Pacing {
  /** Show typing indicators at all. Off also removes the typing of the assistant's pauses. */
  typing: boolean;
  /** Wait between two consecutive messages, with typing shown if on; not added where a pause already is. Default 0. */
  delayBetweenMs?: number;
  /** Wait before the turn's first message, with typing shown if on (see `responseDelayFor`). Default 0. */
  responseDelayMs?: number;
}

/** The response delay presets of page settings. */
export type ResponseDelayPreset = 'instant' | 'short' | 'medium' | 'long';

const PRESET_RANGES: Record<ResponseDelayPreset, readonly [number, number]> = {
  instant: [0, 0],
  short: [5_000, 15_000],
  medium: [15_000, 30_000],
  long: [30_000, 60_000],
};

/**
 * A response delay in ms for a preset: instant 0, short 5–15 s, medium 15–30 s, long 30–60 s, picked
 * uniformly with `random` (Math.random's contract: [0, 1)), so replies do not arrive at a robot's rhythm.
 */
export function responseDelayFor(preset: ResponseDelayPreset, random: () => number): number {
  const [min, max] = PRESET_RANGES[preset] ?? PRESET_RANGES.instant;
  if (max === min) return min;
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(min + r * (max - min));
}

/**
 * A rendered turn with the page's pacing: the response delay before the first message, the delay between
 * consecutive messages (kept out where the assistant's own pause already separates them), typing shown during
 * both when on and renewed every 15 s, and typing off at the end of the turn when it was on. With typing off,
 * no typing step remains. A turn without a message is returned without added delays.
 */
export function paceTurn(steps: readonly OutboundStep[], pacing: Pacing): OutboundStep[] {
  const typing = pacing.typing === true;
  const source = typing ? steps : steps.filter((step) => step.kind !== 'typing');
  const firstMessage = source.findIndex((step) => step.kind === 'message');
  if (firstMessage === -1) return settleTyping(source);
  const paced: OutboundStep[] = [...delay(pacing.responseDelayMs, typing)];
  let waitedSinceMessage = true;
  source.forEach((step, index) => {
    if (step.kind === 'message' && !waitedSinceMessage && index > firstMessage) {
      paced.push(...delay(pacing.delayBetweenMs, typing));
    }
    if (step.kind === 'wait' && step.ms > 0) waitedSinceMessage = true;
    if (step.kind === 'message') waitedSinceMessage = false;
    paced.push(step);
  });
  return settleTyping(paced);
}

/**
 * A delay of the page's, with typing shown when on. It ends with typing off so that the typing does not run on into
 * a pause the assistant asked without typing (a leading pause has no typing-off of its own once settled);
 * `settleTyping` drops that off where a message or more typing follows.
 */
function delay(ms: number | undefined, typing: boolean): OutboundStep[] {
  if (ms === undefined || !(ms > 0)) return [];
  return typing
    ? [
        { kind: 'typing', on: true },
        { kind: 'wait', ms },
        { kind: 'typing', on: false },
      ]
    : [{ kind: 'wait', ms }];
}
