import type { Logger } from 'pino';
import type { EmulatorClock } from './clock.ts';
import type { FaultStore } from './faults.ts';
import type { GraphCallLog } from './graph-call-log.ts';
import type { ResolvedOptions } from './options.ts';
import type { NormalizedSeed } from './seed.ts';
import type { EmulatorState } from './state.ts';
import type { WebhookDispatcher } from './webhook-dispatcher.ts';

/** What every route group and action needs; built once in `buildEmulator`. */
export interface EmulatorContext {
  state: EmulatorState;
  seed: NormalizedSeed;
  clock: EmulatorClock;
  dispatcher: WebhookDispatcher;
  faults: FaultStore;
  graphCalls: GraphCallLog;
  options: ResolvedOptions;
  /** The URL printed once listening (`printableUrl`); undefined before. Its host is one the control API answers at. */
  listenUrl: string | undefined;
  log: Logger;
}
