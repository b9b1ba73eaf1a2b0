import { randomBytes } from 'node:crypto';

let lastTime = 0;
let counter = 0;
/** Ids within one millisecond: the counter's four base-36 digits. */
const COUNTER_LIMIT = 36 ** 4;
// Random bytes drawn in blocks: one small randomBytes call per id costs more than the rest of newId.
let pool = Buffer.alloc(0);
let offset = 0;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  offset += bytes;
  return pool.toString('hex', offset - bytes, offset);
}

/**
 * A time-ordered id: 9 base-36 chars of epoch ms, 4 of a per-millisecond counter, 8 random.
 * Sorting ids sorts rows by creation (monotonic within a process), so no database sequence is needed.
 */
export function newId(now: number = Date.now()): string {
  if (now <= lastTime) {
    counter++;
    // Four base-36 digits at most: a fifth would sort the id before those it follows (a clock set back for a while
    // reaches it). The next millisecond is taken instead.
    if (counter >= COUNTER_LIMIT) {
      lastTime++;
      counter = 0;
    }
  } else {
    lastTime = now;
    counter = 0;
  }
  const time = timePart(lastTime);
  const count = counter.toString(36).padStart(4, '0');
  return `${time}${count}${randomHex(4)}`;
}

/** The lowest id `newId` gives at or after `time`: a bound for "rows created since". */
export function idFloor(time: number): string {
  return timePart(time);
}

function timePart(time: number): string {
  return time.toString(36).padStart(9, '0');
}
