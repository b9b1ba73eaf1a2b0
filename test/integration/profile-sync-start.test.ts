import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.ts';
import { type Harness, PAGE_ID, startHarness } from '../support/gateway-harness.ts';

for (const database of DATABASES) {
  describe(`the start-up Messenger profile sync on ${database}`, () => {
    let h: Harness;

    beforeAll(async () => {
      h = await startHarness({
        database,
        // Graph is busy for the first profile call the gateway makes at start-up.
        beforeStart: (fb) => fb.setFaults({ next: { count: 1, code: 2, path_contains: 'messenger_profile' } }),
        tuning: { profileRetryMs: 50 },
      });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('is tried again when Graph refused it for now, and then applies the profile', async () => {
      const calls = await h.fb.graphCalls({ path_contains: 'messenger_profile' });
      expect(calls[0]?.status).toBe(500);
      let greeting: unknown;
      for (let waited = 0; waited < 5000 && greeting === undefined; waited += 50) {
        greeting = (await h.fb.pageProfile(PAGE_ID)).greeting;
        if (greeting === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(greeting).toEqual([{ locale: 'default', text: 'Hi {{user_first_name}}!' }]);
    });
  });
}
