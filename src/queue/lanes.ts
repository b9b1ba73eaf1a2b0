/**
 * Serial per key, parallel across keys: one person's events run one at a time in arrival order,
 * different people run side by side up to `concurrency`.
 */
export interface Lanes<T> {
  push(key: string, item: T): void;
  /** Number of items waiting or running. */
  readonly size: number;
  /** Whether the key has items waiting or running: a new one would wait behind them. */
  busy(key: string): boolean;
  /** Resolves when nothing is waiting or running. */
  idle(): Promise<void>;
  /**
   * Stops starting new items, including those pushed but not started yet (the inbound worker's stay pending in the
   * database); resolves when the running ones are done.
   */
  stop(): Promise<void>;
}

/** What to do with the item at the head of a lane: `done` moves on, a number retries it after that many ms. */
export type LaneOutcome = 'done' | number;

interface Lane<T> {
  items: T[];
  running: boolean;
  waiting: boolean;
}

/**
 * Items started per turn of the event loop. A started item runs until it waits for I/O, and SQLite calls do not
 * wait: a flow turn is a few hundred µs of CPU. Starting every ready lane at once would hold webhooks (and their
 * 200s) behind tens of ms of turns; a slice at a time lets the loop take in I/O between slices.
 */
const STARTS_PER_TICK = 8;

export function createLanes<T>(options: {
  concurrency: number;
  run: (item: T) => Promise<LaneOutcome>;
  /** Items started per turn of the event loop, at least 1. Default 8 (STARTS_PER_TICK). */
  startsPerTick?: number;
}): Lanes<T> {
  const lanes = new Map<string, Lane<T>>();
  const ready: string[] = [];
  let active = 0;
  let size = 0;
  let stopping = false;
  let idleWaiters: (() => void)[] = [];
  let sliceQueued = false;
  const startsPerTick = Math.max(1, Math.floor(options.startsPerTick ?? STARTS_PER_TICK));

  function markReady(key: string, lane: Lane<T>) {
    if (!lane.running && !lane.waiting && lane.items.length > 0) {
      lane.waiting = true;
      ready.push(key);
    }
  }

  /** Starts ready lanes in slices, one slice per turn of the event loop (see STARTS_PER_TICK). */
  function pump() {
    if (!sliceQueued && canStart()) {
      sliceQueued = true;
      setImmediate(startSlice);
    }
    if (size === 0 && active === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  }

  const canStart = () => !stopping && active < options.concurrency && ready.length > 0;

  function startSlice() {
    sliceQueued = false;
    for (let started = 0; started < startsPerTick && canStart(); started++) {
      const key = ready.shift() as string;
      const lane = lanes.get(key) as Lane<T>;
      lane.waiting = false;
      lane.running = true;
      active++;
      void runHead(key, lane);
    }
    pump();
  }

  async function runHead(key: string, lane: Lane<T>) {
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
    busy: (key) => lanes.has(key),
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
