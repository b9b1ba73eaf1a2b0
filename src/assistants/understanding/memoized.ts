/**
 * Remembers a pure function's results for up to `max` inputs no longer than `maxLength` (longer ones are computed
 * each time), forgetting them all at once when full. People keep sending the same words and short messages.
 */
export function memoized<T>(fn: (input: string) => T, max = 4096, maxLength = 256): (input: string) => T {
  const results = new Map<string, T>();
  return (input) => {
    if (input.length > maxLength) return fn(input);
    let result = results.get(input);
    if (result === undefined) {
      result = fn(input);
      if (results.size >= max) results.clear();
      results.set(input, result);
    }
    return result;
  };
}
