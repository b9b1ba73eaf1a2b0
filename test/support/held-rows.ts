import type { KyselyPlugin } from 'kysely';

/**
 * Holds back the next result whose first row `matches` until `release()`: a request caught half-way, for a test to
 * change the database under it. Holds once, from the start or once `arm()` is called.
 */
export function holdingRow(matches: (row: Record<string, unknown>) => boolean, options: { armed?: boolean } = {}) {
  let reached = () => {};
  let release = () => {};
  const atHold = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let armed = options.armed ?? true;
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => node,
    async transformResult({ result }) {
      const row = result.rows[0] as Record<string, unknown> | undefined;
      if (armed && row && matches(row)) {
        armed = false;
        reached();
        await released;
      }
      return result;
    },
  };
  const arm = () => {
    armed = true;
  };
  return { plugin, atHold, release, arm };
}
