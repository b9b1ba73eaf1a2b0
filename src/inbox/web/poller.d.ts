/** Types of poller.js, for the unit tests (the browser loads the .js as it is). */
export interface PollerOptions {
  task: () => Promise<boolean | undefined> | boolean | undefined;
  intervalMs: number;
  maxMs?: number;
  isHidden?: () => boolean;
  timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
}
export interface Poller {
  now(): Promise<void>;
  delay(): number;
  reset(): void;
  setInterval(ms: number): void;
  stop(): void;
}
export function createPoller(options: PollerOptions): Poller;
