/**
 * Serial per key, parallel across keys: one person's events run one at a time in arrival order,
 * different people run side by side up to `concurrency`.
 */
export interface Lanes<T> {
  push(key: string, item: T): void;
  /** Number of items waiting or running. */
  readonly size: number;
  /** Resolves when nothing is waiting or running. */
  idle(): Promise<void>;
  /** Stops starting new items; resolves when the running ones are done. */
  stop(): Promise<void>;
}

/** What to do with the item at the head of a lane: `done` moves on, a number retries it after that many ms. */
export type LaneOutcome = 'done' | number;

interface Lane<T> {
  items: T[];
  running: boolean;
  waiting: boolean;
}

export function createLanes<T>(options: { concurrency: number; run: (item: T) => Promise<LaneOutcome> }): Lanes<T> {
  const lanes = new Map<string, Lane<T>>();
  const ready: string[] = [];
  let active = 0;
  let size = 0;
  let stopping = false;
  let idleWaiters: (() => void)[] = [];

  function markReady(key: string, lane: Lane<T>) {
    if (!lane.running && !lane.waiting && lane.items.length > 0) {
      lane.waiting = true;
      ready.push(key);
    }
  }

  function pump() {
    while (!stopping && active < options.concurrency && ready.length > 0) {
      const key = ready.shift() as string;
      const lane = lanes.get(key) as Lane<T>;
      lane.waiting = false;
      lane.running = true;
      active++;
      void runHead(key, lane);
    }
    if (size === 0 && active === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  }

  async function runHead(key: string, lane: Lane<T>) {
    // Work that never leaves the microtask queue (SQLite calls are synchronous) would starve the event loop's I/O:
    // yielding first lets webhooks be acknowledged while a backlog is processed.
    await new Promise((resolve) => setImmediate(resolve));
    let outcome: LaneOutcome;
    try {
      outcome = await options.run(lane.items[0] as T);
    } catch {
      outcome = 1000; // `run` reports its own errors; a throw here is a bug, so back off and retry.
    }
    active--;
    lane.running = false;
    if (outcome === 'done') {
      lane.items.shift();
      size--;
      if (lane.items.length === 0) lanes.delete(key);
      else markReady(key, lane);
    } else {
      lane.waiting = true; // Blocked until the retry: later items of this person must not overtake it.
      setTimeout(() => {
        lane.waiting = false;
        markReady(key, lane);
        pump();
      }, outcome).unref();
    }
    pump();
  }

  return {
    push(key, item) {
      let lane = lanes.get(key);
      if (!lane) {
        lane = { items: [], running: false, waiting: false };
        lanes.set(key, lane);
      }
      lane.items.push(item);
      size++;
      markReady(key, lane);
      pump();
    },
    get size() {
      return size;
    },
    idle() {
      if (size === 0 && active === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      stopping = true;
      while (active > 0) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
