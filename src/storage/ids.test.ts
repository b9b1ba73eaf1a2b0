import { describe, expect, it } from 'vitest';
import { idFloor, newId } from './ids.ts';

describe('newId', () => {
  it('keeps ids growing and of one length when the clock stays behind for more ids than a millisecond holds', () => {
    // A clock set back: every id is made at a time before the last one's, for longer than the counter's four digits.
    const at = Date.now();
    let last = newId(at);
    let outOfOrder = 0;
    for (let i = 0; i < 36 ** 4 + 10; i++) {
      const id = newId(at - 1);
      if (!(id > last) || id.length !== last.length) outOfOrder++;
      last = id;
    }
    expect(outOfOrder).toBe(0);
    // Still after every id made before, and before those of a later time.
    expect(newId(at + 1000) > last).toBe(true);
    expect(last >= idFloor(at)).toBe(true);
  });
});
